package aptsolve_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/disco-build/disco/stages/aptsolve"
)

// TestDebugUniverse dumps one random universe and apt's debug output for
// a request (DEBUG_U=37 DEBUG_REQ="u37-p9").
func TestDebugUniverse(t *testing.T) {
	which := os.Getenv("DEBUG_U")
	if which == "" {
		t.Skip("set DEBUG_U")
	}
	r := rand.New(rand.NewPCG(14, 2024))
	var paras []string
	for u := range randomUniverses {
		p, _ := randomUniverse(r, fmt.Sprintf("u%d-", u), 8+r.IntN(20), u < 30)
		paras = append(paras, p...)
		if fmt.Sprint(u) == which {
			fmt.Println(strings.Join(p, "\n"))
		}
	}
	w := newWorld(t, archive{suite: "stable", index: stanzas(paras...)})
	rq := strings.Fields(os.Getenv("DEBUG_REQ"))
	out, _ := w.apt(append([]string{"apt-get", "install", "-s", "-o", "APT::Install-Recommends=false", "-o", "Debug::pkgDepCache::Marker=1",
		"-o", "Debug::pkgDepCache::AutoInstall=1", "-o", "Debug::pkgProblemResolver=1", "--"}, rq...)...)
	fmt.Println(out)
	_, err := aptsolve.ResolveTrace(w.u, rq, aptsolve.Options{}, func(s string) { fmt.Println(s) })
	fmt.Println(err)
}
