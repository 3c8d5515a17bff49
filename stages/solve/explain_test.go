package solve

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/disco-build/disco/stages/repo"
)

// explainCase is a universe and a request it cannot satisfy, with the
// problem text dnf 4.14 (libsolv 0.7.23) prints for it.
type explainCase struct {
	name    string
	u       []*repo.Package
	req     []string
	exclude []string
	want    string
}

func explainCases() []explainCase {
	return []explainCase{{
		// One package with many missing dependencies: dnf lists them all
		// (libsolv keeps one rule "not nscd" and names every dependency
		// that makes it).
		name: "nothing provides, several",
		u: []*repo.Package{
			mk("r", "nscd", "2.28-42.fc29", "x86_64").req(
				"/bin/sh", "glibc = 0:2.28-42.fc29", "libaudit.so.1()(64bit)",
				"libc.so.6(GLIBC_2.27)(64bit)", "libcap.so.2()(64bit)", "libselinux.so.1()(64bit)",
				"shadow-utils", "systemd", "libnss_files.so.2()(64bit)").p,
		},
		req: []string{"nscd"},
		want: ` Problem: conflicting requests
  - nothing provides /bin/sh needed by nscd-2.28-42.fc29.x86_64
  - nothing provides libaudit.so.1()(64bit) needed by nscd-2.28-42.fc29.x86_64
  - nothing provides libc.so.6(GLIBC_2.27)(64bit) needed by nscd-2.28-42.fc29.x86_64
  - nothing provides libcap.so.2()(64bit) needed by nscd-2.28-42.fc29.x86_64
  - nothing provides libselinux.so.1()(64bit) needed by nscd-2.28-42.fc29.x86_64
  - nothing provides shadow-utils needed by nscd-2.28-42.fc29.x86_64
  - nothing provides systemd needed by nscd-2.28-42.fc29.x86_64
  - nothing provides libnss_files.so.2()(64bit) needed by nscd-2.28-42.fc29.x86_64
  - nothing provides glibc = 2.28-42.fc29 needed by nscd-2.28-42.fc29.x86_64`,
	}, {
		// A chain: the request needs a library whose only build conflicts
		// with another request.
		name: "conflict chain",
		u: []*repo.Package{
			mk("r", "app", "1-1", "x86_64").req("libfoo").p,
			mk("r", "libfoo", "2-1", "x86_64").con("oldssl < 3").p,
			mk("r", "oldssl", "1.1-1", "x86_64").p,
		},
		req: []string{"app", "oldssl"},
		want: ` Problem: package libfoo-2-1.x86_64 conflicts with oldssl < 3 provided by oldssl-1.1-1.x86_64
  - package app-1-1.x86_64 requires libfoo, but none of the providers can be installed
  - conflicting requests`,
	}, {
		// The newest build is broken, an older one would do: dnf's best
		// rule makes that a problem, and names the chain.
		name: "best candidate",
		u: []*repo.Package{
			mk("r", "tool", "1-1", "noarch").p,
			mk("r", "tool", "2-1", "noarch").req("libnew").p,
			mk("r", "libnew", "1-1", "x86_64").req("CQRlib = 0:1.1.2-16.fc29", "kernel >= 1:5.0").p,
			mk("r", "CQRlib", "1.1.2-17.fc29", "x86_64").p,
		},
		req: []string{"tool"},
		want: ` Problem: package tool-2-1.noarch requires libnew, but none of the providers can be installed
  - cannot install the best candidate for the job
  - nothing provides CQRlib = 1.1.2-16.fc29 needed by libnew-1-1.x86_64
  - nothing provides kernel >= 1:5.0 needed by libnew-1-1.x86_64`,
	}, {
		// The only provider is excluded (excludepkgs): dnf names it, and
		// the dependency it misses itself.
		name: "excluded provider",
		u: []*repo.Package{
			mk("r", "web", "1-1", "noarch").req("httpd").p,
			mk("r", "httpd", "2.4-1", "x86_64").req("libapr-1.so.0()(64bit)").p,
		},
		req:     []string{"web"},
		exclude: []string{"httpd"},
		want: ` Problem: package web-1-1.noarch requires httpd, but none of the providers can be installed
  - conflicting requests
  - package httpd-2.4-1.x86_64 is filtered out by exclude filtering
  - nothing provides libapr-1.so.0()(64bit) needed by httpd-2.4-1.x86_64`,
	}, {
		// Two requests fail for reasons of their own: two problems.
		name: "two problems",
		u: []*repo.Package{
			mk("r", "a", "1-1", "noarch").req("liba").p,
			mk("r", "b", "1-1", "noarch").obs("c").p,
			mk("r", "c", "1-1", "noarch").p,
			mk("r", "d", "1-1", "noarch").req("c").p,
		},
		req: []string{"a", "b", "d"},
		want: ` Problem 1: conflicting requests
  - nothing provides liba needed by a-1-1.noarch
 Problem 2: package d-1-1.noarch requires c, but none of the providers can be installed
  - package b-1-1.noarch obsoletes c provided by c-1-1.noarch
  - conflicting requests`,
	}}
}

// TestExplain checks the problem text of requests that cannot be met: dnf's
// (TestExplainMatchesDNF checks these against dnf itself).
func TestExplain(t *testing.T) {
	for _, c := range explainCases() {
		t.Run(c.name, func(t *testing.T) {
			_, err := Resolve(context.Background(), c.u, Request{Install: c.req}, Options{Exclude: c.exclude})
			var ue *UnsolvableError
			if !errors.As(err, &ue) {
				t.Fatalf("err = %v, want *UnsolvableError", err)
			}
			if got := ue.Text(); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

// TestExplainMatchesDNF gives the same requests to dnf: its problem text
// must be the one TestExplain expects.
func TestExplainMatchesDNF(t *testing.T) {
	cs := explainCases()
	var cases []oracleCase
	for _, c := range cs {
		cases = append(cases, oracleCase{Repos: []oracleRepo{{ID: "r", Priority: 99, Pkgs: c.u}}, Excludes: c.exclude, Requests: [][]string{c.req}})
	}
	answers := runDNF(t, t.TempDir(), cases)
	for i, c := range cs {
		a := answers[i][0]
		if a.OK {
			t.Errorf("%s: dnf resolved %v", c.name, a.Pkgs)
			continue
		}
		if got := strings.TrimPrefix(a.Err, "\n"); got != c.want {
			t.Errorf("%s: dnf says\n%s\nthe test expects\n%s", c.name, got, c.want)
		}
	}
}
