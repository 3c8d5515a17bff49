// Package aptsolve chooses Debian packages as apt-get install does: the
// answer of apt 2.6's own algorithm (its internal solver) on a system
// where nothing is installed, which is what a root tree built from
// nothing starts as. It knows nothing of disco's plan: it reads apt Pools
// (stages/apt) and names, and returns packages with the record to fetch.
// It is stages/solve's sibling for Debian; stages/solve emulates libsolv
// (dnf) for RPM.
//
// Entry points:
//   - NewUniverse prepares one or several pools, in sources.list order,
//     each with its apt pin priority (Source.Priority: 500 by default, 100
//     for backports-like suites, 1 for NotAutomatic ones). It reads every
//     record's names once (apt.Pool.Scan), to order packages as apt's
//     cache generator does. A Universe serves any number of resolves
//     (one at a time).
//   - Resolve takes requests ("name", "name=version", "name:arch" for the
//     native architecture, "all", "native" or "any") and Options
//     (Recommends: off is apt-get --no-install-recommends) and returns the
//     packages to install, sorted by name, each with its version,
//     architecture, record, source and Reason (requested, or which
//     package's Depends, Pre-Depends or Recommends pulled it in, or apt's
//     problem resolver). What apt refuses gives an *Error holding apt-get's
//     own explanation: "Unable to locate package foo", the providers of a
//     virtual package, or the packages with unmet dependencies and why
//     ("pkg : Depends: x but it is not installable") followed by "Unable
//     to correct problems, you have held broken packages.".
//   - Variant lists the requests of mmdebstrap's variants (essential, apt,
//     required/minbase, buildd, important, standard) computed from the
//     universe's Essential and Priority fields.
//
// Essential packages are not added to a resolve: apt-get install with an
// empty dpkg status does not add them either (mmdebstrap names them, as
// Variant does).
//
// Example, the packages of a minimal server:
//
//	u, err := aptsolve.NewUniverse("amd64", aptsolve.Source{Pool: main})
//	...
//	names, _ := aptsolve.Variant(u, "minbase")
//	names = append(names, "systemd-sysv", "openssh-server")
//	pkgs, err := aptsolve.Resolve(u, names, aptsolve.Options{})
//	var unmet *aptsolve.Error
//	if errors.As(err, &unmet) {
//		fmt.Println(unmet) // apt-get's explanation, line for line
//	}
//	for _, p := range pkgs {
//		fmt.Println(p.Name, p.Version, p.Arch, p.Record.Filename, p.Reason)
//	}
//
// How: the code follows apt's sources (apt-pkg/depcache.cc MarkInstall
// and its helpers, algorithms.cc pkgProblemResolver, policy.cc candidate
// selection, pkgcachegen.cc and deblistparser.cc for the cache's order of
// packages, versions, dependencies and provides, apt-private's
// TryToInstall, DoAutomaticRemove and ShowBroken), function by function,
// with the branches for installed packages left out. apt's greedy choices
// depend on details a SAT solver would not share: the order of
// alternatives, provider ranking (Essential, Priority field, then the
// package apt's cache created last), and dependency states apt caches and
// does not always refresh; these are kept (depcache.go says how). Where
// apt's hash-table order decides ties in the problem resolver, packages
// are ordered by apt's own hash of their names.
//
// Why hand-written: no Go library resolves with apt's semantics (the
// libsolv-like solvers give other, equally valid, answers), and the
// answers must be apt's. The tests hold it to the real apt-get install
// --simulate on generated archives (hand-written shapes and random
// universes) and on Debian bookworm, and check every answer with an
// installability checker and dose-debcheck.
//
// Not yet here: foreign architectures (Multi-Arch across architectures;
// packages of other architectures than the universe's and "all" are left
// out), "name/suite" requests, apt_preferences per package, removals.
package aptsolve
