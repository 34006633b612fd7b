package extract

import (
	"regexp"
	"strings"
)

// A sentence that compares ("cheaper than Raft", "unlike Consul", "相比
// etcd") names another system or idea to contrast it with the subject, not
// because the subject uses it. Its mentions become compares facts, a
// relation of their own, so that a comparison never reads as "uses".

var comparativeEN = regexp.MustCompile(`(?i)\b(?:compared (?:with|to)|in comparison|comparison with|unlike|similar(?:ly)? to|just like|much like|than|instead of|whereas|versus|vs\.?|as opposed to|rather than|the same as|differs? from|differently from|alternative to|in contrast|contrast(?:s|ed)? with|the way \S+ (?:does|did)|(?:exactly|just) as)\b`)

var comparativeZH = []string{"相比", "相较", "比起", "不同于", "不像", "类似于", "而不是", "对比", "就像", "如同", "区别在于", "与之不同", "更轻", "更重"}

// A section about other systems ("Design notes", "Read next", "See also")
// names them to contrast or to send the reader on, so every mention in it
// is a comparison too. "How it relates to the other systems" is not such a
// section: a project page says there what it uses ("Traefik's Consul
// provider lists services through consul/api"), and its comparisons are
// told by their own words ("exactly as Echo folds ...").
var comparisonSectionEN = regexp.MustCompile(`(?i)design notes|read next|further reading|see also|compar|contrast|versus|\bvs\b|elsewhere|alternatives`)

var comparisonSectionZH = []string{"设计笔记", "设计要点", "设计取舍", "对比", "比较", "延伸阅读", "相关阅读", "另见"}

// comparisonSection reports whether a heading opens a section about other
// systems.
func comparisonSection(heading string) bool {
	if comparisonSectionEN.MatchString(heading) {
		return true
	}
	for _, w := range comparisonSectionZH {
		if strings.Contains(heading, w) {
			return true
		}
	}
	return false
}

// comparative reports whether a sentence compares.
func comparative(sentence string) bool {
	if comparativeEN.MatchString(sentence) {
		return true
	}
	for _, w := range comparativeZH {
		if strings.Contains(sentence, w) {
			return true
		}
	}
	return false
}
