package extract

import (
	"fmt"
	"sort"
)

// Severity ranks a diagnostic.
type Severity string

// Severities: an error makes `codeatlas check` fail; a warning does not.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Diagnostic is a problem in the notes, located at path:line.
type Diagnostic struct {
	Path     string   `json:"path"`
	Line     int      `json:"line"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
}

func (d Diagnostic) String() string {
	if d.Line > 0 {
		return fmt.Sprintf("%s:%d: %s: %s", d.Path, d.Line, d.Severity, d.Message)
	}
	return fmt.Sprintf("%s: %s: %s", d.Path, d.Severity, d.Message)
}

// diags collects diagnostics for one file; the zero value is usable.
type diags struct{ list []Diagnostic }

func (ds *diags) errorf(path string, line int, format string, args ...any) {
	ds.list = append(ds.list, Diagnostic{Path: path, Line: line, Severity: SeverityError, Message: fmt.Sprintf(format, args...)})
}

func (ds *diags) warnf(path string, line int, format string, args ...any) {
	ds.list = append(ds.list, Diagnostic{Path: path, Line: line, Severity: SeverityWarning, Message: fmt.Sprintf(format, args...)})
}

func sortDiagnostics(list []Diagnostic) {
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Message < b.Message
	})
}
