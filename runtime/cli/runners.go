package cli

import "github.com/disco-build/disco/stages"

// scriptRunners returns the scriptlet and generator runners builds use.
func scriptRunners() (stages.ScriptRunner, stages.GeneratorRunner) {
	return nil, nil
}
