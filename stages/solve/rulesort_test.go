package solve

import (
	"slices"
	"testing"
)

// TestRuleOrder checks the package rule order against libsolv's
// unifyrules_sortcmp: by first literal (so rules of later packages first),
// binary and unit rules before longer ones that share their second
// literal, then by the remaining literals.
func TestRuleOrder(t *testing.T) {
	rules := [][]int32{
		{-3, 5, 7}, // requires with two providers
		{-3, 5},    // requires with one: binary
		{-5, -3},   // conflict, normalised to p=-5
		{-3, 5, 6}, // smaller second provider
		{-3},       // assertion
		{-3, 5, 7, 8},
		{-1, 2},
	}
	keys := make([]ruleKey, len(rules))
	for i, r := range rules {
		keys[i] = libsolvKey(r)
	}
	slices.SortFunc(keys, func(a, b ruleKey) int { return int(a.cmp(b)) })
	want := []ruleKey{
		{p: -5, w2: -3},
		{p: -3},
		{p: -3, w2: 5},
		{p: -3, d: []int32{5, 6}},
		{p: -3, d: []int32{5, 7}},
		{p: -3, d: []int32{5, 7, 8}},
		{p: -1, w2: 2},
	}
	for i := range want {
		if keys[i].p != want[i].p || keys[i].w2 != want[i].w2 || !slices.Equal(keys[i].d, want[i].d) {
			t.Fatalf("rule %d: got %+v, want %+v (all: %+v)", i, keys[i], want[i], keys)
		}
	}
}

// TestClause checks that repeated literals go (libsolv makes [-a, -a] the
// assertion -a) and that a clause holding v and -v is dropped.
func TestClause(t *testing.T) {
	if got, ok := clause([]int32{-4, -4}); !ok || !slices.Equal(got, []int32{-4}) {
		t.Errorf("clause(-4, -4) = %v, %v; want [-4], true", got, ok)
	}
	if got, ok := clause([]int32{-4, 2, 3, 2}); !ok || !slices.Equal(got, []int32{-4, 2, 3}) {
		t.Errorf("clause(-4, 2, 3, 2) = %v, %v; want [-4 2 3], true", got, ok)
	}
	if _, ok := clause([]int32{-4, 2, 4}); ok {
		t.Error("clause(-4, 2, 4) kept a clause that always holds")
	}
}
