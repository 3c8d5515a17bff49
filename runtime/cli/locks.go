package cli

import (
	"github.com/disco-build/disco/stages"
)

// noWaitHelp is the --no-wait flag's help, shared by the verbs that lock.
const noWaitHelp = "fail at once, naming the holder's pid, when another disco process holds what this one needs (a machine, the store, disco.lock) instead of waiting for it"

// lockOptions say how a verb takes the cache's locks (stages.LockStore
// and friends): waiting is said once, at INFO level, unless --no-wait.
func (e *env) lockOptions(noWait bool) stages.LockOptions {
	return stages.LockOptions{NoWait: noWait, Waiting: func(msg string) { e.log.Info(msg) }}
}

// logLeftovers says what interrupted runs had left in the cache and this
// run removed.
func (e *env) logLeftovers(root string, left []stages.Leftover) {
	for _, l := range left {
		e.log.Info("removed what an interrupted run left", "path", rel(root, l.Path), "files", l.Files, "size", humanBytes(l.Size))
	}
}
