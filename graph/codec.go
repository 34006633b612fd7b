package graph

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// QueryParams are the URL parameters of a query, one per field of Query:
// ParseQuery reads them, Values writes them, and the export command has a
// flag of each name. kinds is a comma-separated list; ParseQuery also
// reads the form's repeated k=kind.
var QueryParams = []string{"view", "focus", "depth", "kinds", "from", "to", "layout", "budget"}

// ParseQuery reads a query from URL parameters (or flags of the same
// names) and normalizes it. Parameters it does not know are ignored, so a
// URL may carry others (download=1). Errors wrap ErrBadQuery.
func ParseQuery(v url.Values) (Query, error) {
	q := Query{View: ViewKind(v.Get("view")), Focus: v.Get("focus"), From: v.Get("from"), To: v.Get("to"), Layout: v.Get("layout")}
	var err error
	if q.Depth, err = atoi("depth", v.Get("depth")); err != nil {
		return q, err
	}
	if q.Budget, err = atoi("budget", v.Get("budget")); err != nil {
		return q, err
	}
	// The map form sends one k per checked box; links use kinds=a,b.
	ks := append(append([]string(nil), v["k"]...), v["kinds"]...)
	if q.Kinds, err = ParseKinds(strings.Join(ks, ",")); err != nil {
		return q, err
	}
	return q.Normalize()
}

func atoi(name, s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%w: %s %q is not a number", ErrBadQuery, name, s)
	}
	return n, nil
}

// Values is the query as URL parameters, leaving out what a reader fills
// in anyway (the overview, depth 1, the view's default budget), so that
// ParseQuery(q.Values()) gives q.Normalize() back.
func (q Query) Values() url.Values {
	v := url.Values{}
	set := func(name, s string) {
		if s != "" {
			v.Set(name, s)
		}
	}
	// The view is left out only when a reader would take the overview
	// anyway: with a focus it would take the ego view.
	if q.View != "" && (q.View != Overview || impliedView(q) != Overview) {
		set("view", string(q.View))
	}
	set("focus", q.Focus)
	if q.Depth != 0 && q.Depth != 1 {
		set("depth", strconv.Itoa(q.Depth))
	}
	ks := make([]string, len(q.Kinds))
	for i, k := range q.Kinds {
		ks[i] = string(k)
	}
	set("kinds", strings.Join(ks, ","))
	set("from", q.From)
	set("to", q.To)
	set("layout", q.Layout)
	if q.Budget != 0 && q.Budget != defaultBudget(q.View) {
		set("budget", strconv.Itoa(q.Budget))
	}
	return v
}

// Key is a canonical string for a normalized query, for caches and ETags.
func (q Query) Key() string { return q.Values().Encode() }
