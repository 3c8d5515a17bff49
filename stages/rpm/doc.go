// Package rpm reads .rpm package files natively: the lead, the signature
// and main headers, and the payload, exposing everything rpm itself uses to
// install a package.
//
// Entry points:
//   - Open parses the lead and both headers of a package (see Package). The
//     headers keep their exact bytes and immutable region (Header.Raw, Blob,
//     Region, RegionBlob) for rpmdb writers and signature checkers, and
//     offer typed access to every tag, unknown ones included (Header.Get,
//     String, Strings, Int, Ints, Bytes).
//   - Package accessors: Name, Epoch, Version, Release, Arch, BuildTime,
//     Size, SourceRPM; Provides, Requires, Conflicts, Obsoletes, Recommends,
//     Suggests, Supplements, Enhances (with RPMSENSE flags); Scripts,
//     Triggers, FileTriggers; payload format, compressor and digest.
//   - Package.Files builds the file list from the header (File, with owners,
//     modes, device numbers, flags, digests, capabilities as text and as the
//     security.capability xattr, and hard-link groups).
//   - Package.Verify checks the package's bytes against the digests it
//     records of itself (Package.Digests: SHA256HEADER, SHA3_256HEADER,
//     PAYLOADSHA256, PAYLOADSHA512, PAYLOADSHA3_256; SHA1HEADER and rpm 3's
//     MD5 only where nothing stronger exists), as rpm does before it
//     installs a package even with signature checking off; VerifyHeader
//     and VerifyPayload do each half. A mismatch is a *DigestError naming
//     the package, the digest and both values. rpm 3, 4 and 6 packages
//     are read (rpm 6: no PAYLOADDIGESTALGO, SHA-256 assumed as rpm does).
//   - Package.Payload iterates the payload (PayloadReader), joining each
//     archive entry to its header File, handling hard links as rpm does
//     (PayloadEntry.HardLinkOf) and verifying file digests and the payload
//     digest; Decompress and the cpio sub-package are the lower layers.
//   - ValidatePath and Package.ValidatePaths reject paths unsafe to place
//     under an install root.
//
// Open's errors do not know the file name: callers wrap them with it. Later
// errors name the package (NEVRA) and, where one is at fault, the path.
// Malformed headers and payload structure give errors wrapping ErrFormat,
// malformed archive bytes cpio.ErrFormat, content that does not match its
// recorded digest ErrDigest. Limits follow rpm's (MaxHeaderTags,
// MaxHeaderData, cpio.MaxNameSize) plus MaxLZMADict.
//
// It is hand-written rather than built on github.com/cavaliergopher/rpm or
// go-rpmutils because those drop what an installer needs: owner names and
// device numbers of files, the raw header bytes and regions, scriptlet
// interpreters with arguments, triggers, hard-link groups, and rpm's
// stripped 07070X payload layout.
package rpm
