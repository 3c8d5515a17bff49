// Package plan is disco's build plan: plain, JSON-serialisable data that says
// everything a build of one or more machines will do. Starlark evaluation
// (package runtime/eval) and the legacy reader (package runtime/legacy) both
// produce a Plan; later stages only read it.
//
// Every value carries the Pos it was declared at, so validation errors read
// "file:line:col: message". Entry points:
//
//   - Plan, Machine and the value types: the data.
//   - Plan.Validate: checks without changing anything.
//   - Default: fills defaults, a separate step.
//   - Canonical: canonical JSON bytes (sorted keys, stable order).
//   - Machine.Digest: sha256 of the canonical JSON without positions.
//   - Document, WriteDocument: the JSON of `disco eval --format json`.
//     These and Digest use a hand-written encoder (encode*.go) whose bytes
//     are Canonical's; digests are stored in disco.lock files and must not
//     change.
//   - WriteText: the human-readable rendering of `disco eval`.
package plan
