package aptsolve_test

import (
	"errors"
	"fmt"

	"github.com/disco-build/disco/stages/apt"
	"github.com/disco-build/disco/stages/aptsolve"
)

// mainPool stands for a Packages index loaded with apt.LoadPool.
var mainPool *apt.Pool

// The packages of a minimal server, as apt-get install would choose them.
func Example() {
	u, err := aptsolve.NewUniverse("amd64", aptsolve.Source{Pool: mainPool})
	if err != nil {
		fmt.Println(err)
		return
	}
	names, _ := aptsolve.Variant(u, "minbase")
	names = append(names, "systemd-sysv", "openssh-server")
	pkgs, err := aptsolve.Resolve(u, names, aptsolve.Options{})
	var unmet *aptsolve.Error
	if errors.As(err, &unmet) {
		fmt.Println(unmet) // apt-get's explanation, line for line
		return
	}
	for _, p := range pkgs {
		fmt.Println(p.Name, p.Version, p.Arch, p.Record.Filename, p.Reason)
	}
}
