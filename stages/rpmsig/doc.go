// Package rpmsig checks OpenPGP signatures on RPM packages and on rpm-md
// repository metadata, the checks dnf makes with gpgcheck and
// repo_gpgcheck, without gpg or rpm at run time.
//
// Entry points:
//   - Keyring holds the trusted public keys: Keyring.AddFile loads an
//     armored or binary key file (a path or a file:// URL, as gpgkey= lines
//     give them), Keyring.Add loads bytes the caller fetched from an
//     http(s) gpgkey URL, Keyring.Keys lists key ids and fingerprints.
//   - VerifyPackage and VerifyPackageFile check a package the way
//     "rpmkeys --checksig" does: every OpenPGP signature of the signature
//     header (RSAHEADER, DSAHEADER and rpm 6's OPENPGP over the main header;
//     the legacy PGP and GPG tags over header and payload), the header
//     digests (SHA1HEADER, SHA256HEADER, SHA3_256HEADER), the payload digest
//     (PAYLOADDIGEST) and the legacy MD5 of header and payload. The Result
//     lists what was checked.
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
// Known limits: v3 signature packets (rpm before 4.1) are reported as bad
// signatures, since go-crypto no longer reads them; signatures over SHA-1
// are accepted, as rpm 4.18 does (RHEL 9's policy rejects them); the
// uncompressed-payload digest PAYLOADDIGESTALT is not checked (the
// compressed one covers the same bytes).
//
// The OpenPGP work (key parsing, v4 and v6 signature packets, RSA, DSA,
// ECDSA, EdDSA and Ed25519/Ed448) is github.com/ProtonMail/go-crypto's
// openpgp package. What is written here is the rpm side: which header tag
// covers which bytes, and the digests rpm keeps beside its signatures.
package rpmsig
