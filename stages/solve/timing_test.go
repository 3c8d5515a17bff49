package solve

import (
	"context"
	"testing"
	"time"
)

func TestTiming60k(t *testing.T) {
	if !*long {
		t.Skip("-long only")
	}
	u := bigUniverse(60000)
	t0 := time.Now()
	pl, _ := newPool(u, Options{})
	t1 := time.Now()
	s := newSolver(context.Background(), pl, Options{})
	s.addJobs(bigRequest(60000))
	t2 := time.Now()
	s.buildRules()
	t3 := time.Now()
	ok, _ := s.run()
	t4 := time.Now()
	t.Logf("pool %v jobs %v rules %v (%d rules) run %v ok=%v", t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), len(s.rules), t4.Sub(t3), ok)
}
