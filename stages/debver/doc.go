// Package debver holds Debian's version model: versions (epoch, upstream
// version, Debian revision) parsed with dpkg's validity rules and compared
// exactly as dpkg compares them, the relation operators of control files,
// and the relation fields of binary and source packages (Depends,
// Pre-Depends, Provides, Build-Depends, ...) parsed into alternatives.
//
// Entry points:
//   - Parse reads a version as dpkg's parseversion does, with its error
//     messages ("epoch in version is not number", "invalid character in
//     revision number", ...); MustParse panics instead.
//   - Compare orders two Versions as dpkg_version_compare (lib/dpkg/version.c):
//     epochs numerically, then upstream versions and revisions by verrevcmp,
//     where '~' sorts before everything (even the end), letters before
//     every other non-digit, and digit runs compare as numbers of any length.
//     CompareStrings compares two version strings without validating them,
//     as apt does for whatever an index holds.
//   - Op is a relation operator (<<, <=, =, >=, >>; the obsolete < and >
//     read as <= and >=, as dpkg reads them); Op.Holds and Satisfies
//     evaluate "a op b".
//   - ParseRelations reads a relation field into a list of Alternatives
//     ("a (>= 1) | b:any, c [amd64] <!nocheck>"), with architecture
//     qualifiers, and, where ParseOptions allows them (source packages),
//     architecture restriction lists and build-profile restriction
//     formulas. Errors name the offending relation.
//
// Why hand-written: the comparison is a few dozen lines that must match
// dpkg byte for byte (checked against dpkg --compare-versions on thousands of
// pairs: hand-picked, random, and every pair of versions of a package in
// Debian bookworm); Go libraries that exist (knqyf263/go-deb-version,
// pault.ag/go/debian) differ from dpkg on digit runs longer than an int
// or do not give dpkg's parse errors.
package debver
