package upstream

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// FuzzIndexPHP: any input indexes without panicking, and every definition
// lies inside the file, first line before last.
func FuzzIndexPHP(f *testing.F) {
	ar, err := txtar.ParseFile("testdata/resolve/php.txtar")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range ar.Files {
		if strings.HasSuffix(file.Name, ".php") {
			f.Add(file.Data)
		}
	}
	f.Add([]byte("<?php class A { function b() { $x = \"{$y[\"}\"]}\"; } }"))
	f.Add([]byte("<?php $a = <<<X\n{\nX;\nclass B {}"))
	f.Add([]byte("<html><?= 1 ?><?php function f() {} ?> text <?php class C {}"))
	f.Fuzz(func(t *testing.T, src []byte) {
		pf := indexPHP("f.php", src)
		lines := bytes.Count(src, []byte("\n")) + 1
		check := func(d Def) {
			if d.First < 1 || d.Last < d.First || d.Last > lines {
				t.Errorf("definition %+v outside 1..%d", d, lines)
			}
		}
		for _, c := range pf.classes {
			check(c.def)
			for _, ds := range c.members {
				for _, d := range ds {
					check(d)
				}
			}
		}
		for _, ds := range pf.functions {
			for _, d := range ds {
				check(d)
			}
		}
	})
}

func FuzzParseSymbol(f *testing.F) {
	for _, s := range []string{"pkg.Name", "cmd/agent/app.Agent.Run", "resolver.B (agent/grpc-internal)", "Kernel::handle (Foundation/Http)", `A\B::c`, "app", "x (", "a..b", "/.x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		s, err := parseSymbol(raw)
		if err != nil {
			return
		}
		if !s.php && (s.qual == "" || len(s.names) == 0 || len(s.names) > 2) {
			t.Errorf("%q parsed to %+v", raw, s)
		}
	})
}

// TestScanPHPSkipsNonCode: nothing in comments, strings, heredocs or inline
// HTML becomes a token.
func TestScanPHPSkipsNonCode(t *testing.T) {
	src := "<p>class Html {}</p><?php\n// class C1 {}\n# class C2 {}\n/* class C3 {} */\n$a = 'class C4 {}';\n$b = \"class C5 {$c['}']} {\";\n$d = <<<EOT\nclass C6 {\nEOT;\n$e = <<<'N'\nclass C7 }\n  N;\n?> class C8 { <?php class Real {}\n"
	var got []string
	for _, tok := range scanPHP([]byte(src)) {
		got = append(got, tok.text)
	}
	if strings.Join(got, " ") != "= ; = ; = ; = ; class Real { }" {
		t.Errorf("tokens: %q", got)
	}
}
