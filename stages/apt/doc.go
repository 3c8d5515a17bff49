// Package apt reads Debian ("deb") repositories the way apt update does:
// the signed Release file of a suite, the Packages indexes it lists, and
// the package records in them. It knows nothing of disco's plan: a
// resolver, the lock and fetch build on it as stages/repo serves the RPM
// side.
//
// Entry points:
//   - Repository names a source (base URLs, suite, Signed-By keyring,
//     apt's allow-insecure / trusted / check-valid-until / allow-weak
//     options); LoadKeyring reads keyring files as Debian ships them
//     (binary .gpg, armored .asc), Keyring.Only restricts to fingerprints.
//   - OpenSuite fetches dists/<suite>/InRelease (or Release and
//     Release.gpg) and accepts it as apt does: one good signature by a key
//     of the keyring and no bad one (signatures by other keys are
//     tolerated, Debian signs with several); digests MD5, SHA-1, RIPEMD-160
//     and SHA-224 and keys other than RSA of 2048 bits or more, Ed25519,
//     Ed448 and the NIST and Brainpool curves are not trusted, as apt's
//     default policy (APT::Key::Assert-Pubkey-Algo, its Sequoia policy)
//     has it; the clearsigned file is split with apt's strictness (nothing
//     unsigned before or after); Valid-Until past (ErrExpired) and Date
//     ahead of the clock (ErrNotYetValid) are refused, and so is a Release
//     file with only MD5 and SHA-1 digests (ErrWeak), and an unsigned one
//     (ErrUnsigned) unless the repository allows it. Errors name the
//     repository, the file and the reason; *VerifyError lists every
//     signature's verdict.
//   - ParseRelease reads a Release file; Suite.PackagesIndexes picks the
//     Packages indexes of a component and architecture in the compression
//     apt prefers (DefaultCompression: xz, bz2, lzma, gz, zst, plain).
//   - LoadPool fetches one index through a Fetcher (StoreFetcher: the
//     fetch stage into the content-addressed store, by-hash paths first
//     when Acquire-By-Hash is set, mirror failover), checks size and
//     SHA-256 (and SHA-512 when given) of the file and of its decompressed
//     text against the Release file (ErrHashMismatch), parses it and keeps
//     it in a Cache as a Pool: one mapped file per index content, keyed by
//     its SHA-256, with a hash table of package names and provides; a
//     package is decoded when first asked for.
//   - Pool.Scan reads the names a record mentions (relations, provides),
//     its architecture, Multi-Arch, Priority and Essential without
//     decoding it, for passes over a whole index (stages/aptsolve orders
//     packages as apt's cache generator does with it).
//   - ParsePackages reads a Packages index into Package records (relations
//     parsed by stages/debver; errors "file:line: package p: field: why").
//
// What is written by hand and why: the clearsigned-file splitter follows
// apt's rules line for line, which go-crypto's clearsign package does not
// (it skips text before and after the message); the per-signature
// verdicts follow apt's gpgv method (go-crypto verifies one signature and
// stops); the pool file is stages/repo's mapped pool (package
// stages/internal/mapped, which both use: an encoding that decodes one
// package without reading the rest), for the same reason: a warm load is
// a map and a checksum instead of a parse. The OpenPGP
// work itself is github.com/ProtonMail/go-crypto.
//
// Not yet here: flat repositories (a suite ending in "/"), Sources
// indexes, Translation files, pdiffs, apt's pinning (the Release file's
// NotAutomatic fields are read for it).
package apt
