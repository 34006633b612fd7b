package graph

import (
	"slices"
	"testing"
)

func TestLabelOrder(t *testing.T) {
	v := &View{
		Nodes: []*ViewNode{
			{Node: &Node{ID: "a/leaf", Kind: Article}},
			{Node: &Node{ID: "a/hub", Kind: Article}},
			{Node: &Node{ID: "c/focus", Kind: Concept}, Focus: true},
			{Node: &Node{ID: "p/quiet", Kind: Project}},
			{Node: &Node{ID: "c/heavy", Kind: Concept}},
			{Node: &Node{ID: "a/b-tie", Kind: Article}},
			{Node: &Node{ID: "a/a-tie", Kind: Article}},
		},
		Edges: []*ViewEdge{
			{From: "a/hub", To: "c/focus", Weight: 1},
			{From: "a/hub", To: "a/leaf", Weight: 1},
			{From: "a/hub", To: "c/heavy", Weight: 1},
			// one heavy edge counts less than three distinct neighbours
			{From: "a/a-tie", To: "a/b-tie", Weight: 1},
			{From: "c/heavy", To: "p/quiet", Weight: 40},
		},
	}
	got := v.LabelOrder()
	want := []string{"c/focus", "p/quiet", "a/hub", "c/heavy", "a/a-tie", "a/b-tie", "a/leaf"}
	if !slices.Equal(got, want) {
		t.Errorf("LabelOrder() = %v\nwant %v", got, want)
	}
}
