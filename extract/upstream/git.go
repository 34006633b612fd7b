package upstream

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// errNoCommit is returned for a commit the clone does not hold.
var errNoCommit = errors.New("commit not in the clone")

// repo is a local clone, bare or not, read through the git command. It
// keeps one `git cat-file --batch` process for reading files, and the file
// lists of the commits it was asked about. One goroutine uses a repo at a
// time.
type repo struct {
	dir string

	mu    sync.Mutex
	cat   *exec.Cmd
	in    io.WriteCloser
	out   *bufio.Reader
	trees map[string]*gitTree
}

// openRepo checks that dir is a git repository.
func openRepo(ctx context.Context, dir string) (*repo, error) {
	r := &repo{dir: dir, trees: map[string]*gitTree{}}
	if _, err := r.git(ctx, "rev-parse", "--git-dir"); err != nil {
		return nil, err
	}
	return r, nil
}

// git runs one git command in the clone and returns its output; the error
// carries git's own message.
func (r *repo) git(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", r.dir}, args...)...)
	cmd.Env = gitEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return out, fmt.Errorf("git %s: %s", strings.Join(args, " "), firstLine(msg))
	}
	return out, nil
}

// gitEnv fixes what would make git's output depend on the machine: dates
// are UTC, messages untranslated, and git never prompts.
func gitEnv() []string {
	return append(os.Environ(), "TZ=UTC", "LC_ALL=C", "GIT_TERMINAL_PROMPT=0")
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// commit resolves ref (a hash, a branch, HEAD) to a full commit hash, or
// errNoCommit.
func (r *repo) commit(ctx context.Context, ref string) (string, error) {
	out, err := r.git(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}")
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("%s: %w", ref, errNoCommit)
	}
	return strings.TrimSpace(string(out)), nil
}

// count is the number of commits reachable from to and not from from.
func (r *repo) count(ctx context.Context, from, to string) (int, error) {
	out, err := r.git(ctx, "rev-list", "--count", from+".."+to)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(out)))
}

// tree lists the files of a commit, once per commit.
func (r *repo) tree(ctx context.Context, commit string) (*gitTree, error) {
	r.mu.Lock()
	t := r.trees[commit]
	r.mu.Unlock()
	if t != nil {
		return t.withContext(ctx), nil
	}
	out, err := r.git(ctx, "ls-tree", "-r", "-z", "--full-tree", commit)
	if err != nil {
		return nil, err
	}
	t = &gitTree{r: r, commit: commit, dirs: map[string]bool{}}
	for _, rec := range bytes.Split(out, []byte{0}) {
		// <mode> SP <type> SP <object> TAB <path>
		meta, p, ok := bytes.Cut(rec, []byte{'\t'})
		if !ok || !bytes.Contains(meta, []byte(" blob ")) {
			continue // submodules (commit entries) hold no files here
		}
		name := string(p)
		t.files = append(t.files, name)
		for i := strings.LastIndexByte(name, '/'); i > 0; i = strings.LastIndexByte(name[:i], '/') {
			if t.dirs[name[:i]] {
				break
			}
			t.dirs[name[:i]] = true
		}
	}
	sort.Strings(t.files)
	r.mu.Lock()
	r.trees[commit] = t
	r.mu.Unlock()
	return t.withContext(ctx), nil
}

// read returns the content of path at commit through the cat-file process;
// ok is false when there is no such file.
func (r *repo) read(ctx context.Context, commit, path string) (data []byte, ok bool, err error) {
	typ, data, err := r.object(ctx, commit+":"+path)
	return data, typ == "blob", err
}

// kind says whether path is a file ("blob"), a directory ("tree") or
// nothing ("") at commit.
func (r *repo) kind(ctx context.Context, commit, path string) (string, error) {
	typ, _, err := r.object(ctx, commit+":"+strings.Trim(path, "/"))
	return typ, err
}

// object reads one object by name through the cat-file process: its type
// ("" when there is none) and content.
func (r *repo) object(ctx context.Context, spec string) (typ string, data []byte, err error) {
	if strings.ContainsAny(spec, "\n\r") {
		return "", nil, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cat == nil {
		cmd := exec.CommandContext(ctx, "git", "-C", r.dir, "cat-file", "--batch")
		cmd.Env = gitEnv()
		in, err := cmd.StdinPipe()
		if err != nil {
			return "", nil, err
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			return "", nil, err
		}
		if err := cmd.Start(); err != nil {
			return "", nil, fmt.Errorf("git cat-file: %w", err)
		}
		r.cat, r.in, r.out = cmd, in, bufio.NewReaderSize(out, 1<<16)
	}
	if _, err := fmt.Fprintf(r.in, "%s\n", spec); err != nil {
		return "", nil, fmt.Errorf("git cat-file: %w", err)
	}
	header, err := r.out.ReadString('\n')
	if err != nil {
		return "", nil, fmt.Errorf("git cat-file: %w", err)
	}
	f := strings.Fields(header)
	if len(f) != 3 {
		return "", nil, nil // "<spec> missing" or "ambiguous"
	}
	size, err := strconv.Atoi(f[2])
	if err != nil {
		return "", nil, fmt.Errorf("git cat-file: bad header %q", strings.TrimSpace(header))
	}
	data = make([]byte, size+1) // the object and its trailing newline
	if _, err := io.ReadFull(r.out, data); err != nil {
		return "", nil, fmt.Errorf("git cat-file: %w", err)
	}
	return f[1], data[:size], nil
}

// close ends the cat-file process.
func (r *repo) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cat != nil {
		_ = r.in.Close()
		_ = r.cat.Wait()
		r.cat = nil
	}
}

// gitTree is the file list of one commit of a repo.
type gitTree struct {
	r      *repo
	commit string
	files  []string
	dirs   map[string]bool
	ctx    context.Context
}

func (t *gitTree) Files() []string     { return t.files }
func (t *gitTree) IsDir(p string) bool { return t.dirs[strings.TrimSuffix(p, "/")] }

func (t *gitTree) Read(p string) ([]byte, error) {
	ctx := t.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	data, ok, err := t.r.read(ctx, t.commit, p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%s: not a file at %s", p, short(t.commit))
	}
	return data, nil
}

// withContext returns the tree reading under ctx.
func (t *gitTree) withContext(ctx context.Context) *gitTree {
	c := *t
	c.ctx = ctx
	return &c
}

// change is one entry of a diff between two commits.
type change struct {
	status  byte // 'D' deleted, 'R' renamed, 'M' modified, 'A' added...
	path    string
	newPath string // for renames
}

// diff lists what changed between two commits, following renames.
func (r *repo) diff(ctx context.Context, from, to string) (map[string]change, error) {
	out, err := r.git(ctx, "diff", "--find-renames", "--name-status", "-z", "--no-ext-diff", from, to)
	if err != nil {
		return nil, err
	}
	changes := map[string]change{}
	f := strings.Split(string(out), "\x00")
	for i := 0; i < len(f); {
		st := f[i]
		if st == "" {
			i++
			continue
		}
		switch st[0] {
		case 'R', 'C':
			if i+2 >= len(f) {
				return nil, fmt.Errorf("git diff: truncated rename record")
			}
			if st[0] == 'R' {
				changes[f[i+1]] = change{status: 'R', path: f[i+1], newPath: f[i+2]}
			}
			i += 3
		default:
			if i+1 >= len(f) {
				return nil, fmt.Errorf("git diff: truncated record")
			}
			changes[f[i+1]] = change{status: st[0], path: f[i+1]}
			i += 2
		}
	}
	return changes, nil
}

// firstParentCommits lists, oldest first, the commits on the first-parent
// line from (excluded) to to that touch one of paths.
func (r *repo) firstParentCommits(ctx context.Context, from, to string, paths ...string) ([]string, error) {
	args := append([]string{"rev-list", "--first-parent", "--reverse", from + ".." + to, "--"}, paths...)
	out, err := r.git(ctx, args...)
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(out)), nil
}

// date is a commit's committer date as YYYY-MM-DD (UTC).
func (r *repo) date(ctx context.Context, commit string) (string, error) {
	out, err := r.git(ctx, "show", "-s", "--format=%cd", "--date=format-local:%Y-%m-%d", commit)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}
