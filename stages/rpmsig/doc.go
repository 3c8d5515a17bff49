// Package rpmsig checks OpenPGP signatures on RPM packages and on rpm-md
// repository metadata, the checks dnf makes with gpgcheck and
// repo_gpgcheck, without gpg or rpm at run time.
//
// Entry points:
//   - Keyring holds the trusted public keys: Keyring.AddFile loads an
//     armored or binary key file (a path or a file:// URL, as gpgkey= lines
//     give them), Keyring.Add loads bytes the caller fetched from an
//     http(s) gpgkey URL, Keyring.Keys lists key ids and fingerprints.
//     Copies of one key (same primary fingerprint) merge into one, the
//     union of their packets, so the verdict never depends on file order.
//   - VerifyPackage and VerifyPackageFile check a package the way
//     "rpmkeys --checksig" does: every OpenPGP signature of the signature
//     header (rpm 6's OPENPGP over the main header or, when there is none,
//     RSAHEADER and DSAHEADER; the legacy PGP and GPG tags over header and
//     payload, which rpm 6 ignores in v6 packages and beside OPENPGP), and
//     the digests stages/rpm's Package.Verify checks (SHA256HEADER,
//     SHA3_256HEADER, PAYLOADSHA256, PAYLOADSHA512, PAYLOADSHA3_256; SHA-1
//     and MD5 only where nothing stronger exists). The Result lists what
//     was checked.
//   - VerifyRepoMD checks repomd.xml against its detached armored
//     signature repomd.xml.asc.
//   - FetchVerifier adapts VerifyPackage to the fetch stage's Verify
//     hook.
//
// Failures are *Error values that name the file and wrap one of the
// sentinels ErrUnsigned, ErrBadSignature, ErrUnknownKey, ErrBadDigest,
// ErrExpiredKey or ErrRevokedKey, so callers tell them apart with
// errors.Is and read the key id with errors.As. A file that is not a
// readable package fails with an error wrapping rpm.ErrFormat instead.
//
// Known limits: signatures over SHA-1 are accepted, as rpm 4.18 does
// (RHEL 9's policy rejects them); v3 signatures over MD5 or RIPEMD-160 are
// refused as bad, as go-crypto refuses those hashes in v4 ones; the
// uncompressed-payload digests (the ALT tags) are not checked (the
// compressed payload they are made from is).
//
// The OpenPGP work (key parsing, v4 and v6 signature packets, RSA, DSA,
// ECDSA, EdDSA, Ed25519/Ed448, and the ML-DSA-65+Ed25519,
// ML-DSA-87+Ed448 and SLH-DSA post-quantum signatures of v6 keys) is
// github.com/ProtonMail/go-crypto's openpgp package. What is written here
// is the rpm side: which header tag covers which bytes, and the digests
// rpm keeps beside its signatures; plus version 3 signature packets
// (rpm before 4.1, RSA and DSA), which go-crypto no longer reads: their
// fixed layout is parsed here and checked with crypto/rsa and crypto/dsa
// (v3.go), the key judged as go-crypto judges it for v4 signatures.
package rpmsig
