package solve

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/disco-build/disco/stages/repo"
)

func resolveNames(t *testing.T, u []*repo.Package, opts Options, specs ...string) (string, error) {
	t.Helper()
	res, err := Resolve(context.Background(), u, Request{Install: specs}, opts)
	if err != nil {
		return "", err
	}
	var names []string
	for _, p := range res.Packages {
		names = append(names, NEVRA(p.Package))
	}
	return strings.Join(names, " "), nil
}

func TestExplainConflict(t *testing.T) {
	u := []*repo.Package{
		mk("r", "a", "1-1", "noarch").con("b").p,
		mk("r", "b", "1-1", "noarch").p,
	}
	_, err := resolveNames(t, u, Options{}, "a", "b")
	if err == nil || !strings.Contains(err.Error(), "package a-1-1.noarch conflicts with b provided by b-1-1.noarch") {
		t.Errorf("err = %v", err)
	}
	if _, err := resolveNames(t, u, Options{}, "nosuch"); err == nil || !strings.Contains(err.Error(), "no match for argument: nosuch") {
		t.Errorf("err = %v", err)
	}
}

func TestReasonsAndOrder(t *testing.T) {
	u := []*repo.Package{
		mk("r", "app", "1-1", "x86_64").req("(libz or zlib-ng)", "/usr/bin/sh").p,
		mk("r", "zlib-ng", "2-1", "x86_64").p,
		mk("r", "libz", "1-1", "x86_64").p,
		mk("r", "bash", "5-1", "x86_64").file("/usr/bin/sh").p,
	}
	res, err := Resolve(context.Background(), u, Request{Install: []string{"app"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range res.Packages {
		by := ""
		if c.Reason.By != nil {
			by = c.Reason.By.Name
		}
		got = append(got, c.Name+"<"+c.Reason.Kind+":"+by+":"+c.Reason.Dep.Name+c.Reason.Spec)
	}
	want := "app<request::app bash<requires:app:/usr/bin/sh libz<requires:app:(libz or zlib-ng)"
	if strings.Join(got, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
}

// TestDeterministic shuffles the universe and demands the same answer.
func TestDeterministic(t *testing.T) {
	c := genCase(7, 8)
	u, prios := flatten(c)
	for _, req := range c.Requests {
		first, err1 := resolveNames(t, u, Options{Priorities: prios}, req...)
		r := rand.New(rand.NewPCG(1, 1))
		for i := 0; i < 5; i++ {
			sh := append([]*repo.Package{}, u...)
			r.Shuffle(len(sh), func(a, b int) { sh[a], sh[b] = sh[b], sh[a] })
			again, err2 := resolveNames(t, sh, Options{Priorities: prios}, req...)
			if again != first || (err1 == nil) != (err2 == nil) {
				t.Fatalf("request %v: %q/%v then %q/%v", req, first, err1, again, err2)
			}
		}
	}
}

// TestRichSemantics pins libsolv's reading of the rich operators.
func TestRichSemantics(t *testing.T) {
	u := []*repo.Package{
		mk("r", "a", "1-1", "noarch").p,
		mk("r", "b", "1-1", "noarch").p,
		mk("r", "c", "1-1", "noarch").p,
		mk("r", "both", "1-1", "noarch").prov("x", "y").p,
		mk("r", "onlyx", "1-1", "noarch").prov("x").p,
		mk("r", "t-if", "1-1", "noarch").req("(a if b)").p,
		mk("r", "t-ifelse", "1-1", "noarch").req("(a if b else c)").p,
		mk("r", "t-unless", "1-1", "noarch").req("(a unless b)").p,
		mk("r", "t-unlesself", "1-1", "noarch").req("(a unless a)").p,
		mk("r", "t-with", "1-1", "noarch").req("(x with y)").p,
		mk("r", "t-without", "1-1", "noarch").req("(x without y)").p,
		mk("r", "t-and", "1-1", "noarch").req("(a and (b or c))").p,
		mk("r", "t-con", "1-1", "noarch").con("(a and b)").p,
	}
	for _, c := range []struct {
		specs []string
		want  string // "" means unsolvable
	}{
		{[]string{"t-if"}, "t-if-1-1.noarch"},
		{[]string{"t-if", "b"}, "a-1-1.noarch b-1-1.noarch t-if-1-1.noarch"},
		// libsolv (and so dnf, checked) satisfies "(c or b)" by name order.
		{[]string{"t-ifelse"}, "a-1-1.noarch b-1-1.noarch t-ifelse-1-1.noarch"},
		{[]string{"t-ifelse", "c"}, "c-1-1.noarch t-ifelse-1-1.noarch"},
		{[]string{"t-unless"}, "a-1-1.noarch t-unless-1-1.noarch"},
		{[]string{"t-unless", "b"}, ""},
		{[]string{"t-unlesself"}, ""},
		{[]string{"t-with"}, "both-1-1.noarch t-with-1-1.noarch"},
		{[]string{"t-without"}, "onlyx-1-1.noarch t-without-1-1.noarch"},
		{[]string{"t-and"}, "a-1-1.noarch b-1-1.noarch t-and-1-1.noarch"},
		{[]string{"t-con", "a"}, "a-1-1.noarch t-con-1-1.noarch"},
		{[]string{"t-con", "a", "b"}, ""},
	} {
		got, err := resolveNames(t, u, Options{}, c.specs...)
		if c.want == "" {
			if err == nil {
				t.Errorf("%v: got %s, want no solution", c.specs, got)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%v: got %q, %v; want %q", c.specs, got, err, c.want)
		}
	}
}
