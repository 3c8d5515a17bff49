package cli

import (
	"io"
	"time"

	"github.com/disco-build/disco/stages"
)

// scriptletTimeout bounds one package scriptlet.
const scriptletTimeout = 10 * time.Minute

// scriptRunners returns the package scriptlet and generator scriptlet
// runners for a machine built at epoch; scriptlets' output goes to log.
func scriptRunners(epoch int64, log io.Writer) (stages.ScriptRunner, stages.GeneratorRunner) {
	return stages.NewScriptRunner(epoch, scriptletTimeout), stages.NewGeneratorRunner(log)
}
