// Package generator runs legacy generator scriptlets: the bash snippets of a
// discographer configuration (generator-scriptlets/ of a group and of a
// machine) that write files for the machine's root, usually into the
// generated overlay folders under the cache.
//
// As the contract says, each file is sourced inside a function by the
// HOST's bash (so "local" works), from the scriptlet's own folder, in a
// clean environment: LC_ALL=C, TZ=UTC, PATH=/usr/sbin:/usr/bin:/sbin:/bin,
// HOME (a scratch folder), SOURCE_DATE_EPOCH, plus the contract's variables
// (legacy.Variables for machine scriptlets, legacy.GroupVariables for group
// ones). Nothing else from the host's environment reaches them. A non-zero
// exit fails the run with an error naming the scriptlet's config-relative
// path and its exit code; output goes to the caller's log writer.
//
// Entry points: Scripts (pair a machine's plan scriptlets with their
// variables, group ones first), Runner.RunAll and Runner.Run.
package generator
