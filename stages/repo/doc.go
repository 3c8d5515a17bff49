// Package repo reads RPM repositories: yum/dnf .repo configuration and
// rpm-md metadata (repomd.xml, primary.xml, filelists.xml).
//
// Configuration, with dnf's semantics ($basearch/${var} substitution,
// continuation lines, comma/space lists, 1/0/yes/no/true/false/on/off,
// errors as "FILE:LINE: message"):
//   - ParseConf: a yum.conf/dnf.conf ([main] and optional repo sections).
//   - ParseRepoFile, ParseRepoDir: .repo files; a directory's *.repo in
//     byte order, a repo id declared twice being an error.
//   - ParseMirrorList, ParseMetalink: bodies the caller fetched.
//
// Metadata:
//   - Load: repomd.xml, then primary.xml (and filelists.xml with
//     Options.WithFilelists, or later with Repo.LoadFilelists, or only the
//     paths a resolver asks for with Repo.LoadFilelistsFor) through a
//     Source (DirSource, HTTPSource, or a caller's fetcher). Every file is
//     verified against its repomd.xml checksum; a mismatch is a
//     *ChecksumError naming repo and file. includepkgs/excludepkgs apply.
//   - LoadPool: the same metadata opened for resolving as a Pool, the
//     way libsolv's .solv cache is: packages stay encoded in one cache
//     file (keyed by the primary and filelists checksums) that is mapped,
//     not read, with hash tables answering which packages a name, provide
//     or path leads to (Providers) and which obsolete or supplement a name
//     (Referrers); a package is decoded when first asked for. The
//     resolve stage decodes only what a request can reach
//     (solve.Reachable).
//   - ReadPrimary, ReadFilelists, ParseRepoMD: the readers on their own.
//   - Cache: parsed metadata kept by checksum, so a second load reads no XML.
//
// Why hand-written parts: primary.xml is read by a small streaming
// scanner for the XML subset rpm-md uses (elements, attributes, the
// predefined and numeric entities, comments, CDATA) instead of
// encoding/xml. On a synthetic 60,000-package primary.xml (177 MB),
// encoding/xml's RawToken alone took 3.3 s of CPU, this whole parse 0.5-0.6 s
// (BenchmarkEncodingXMLTokens60k, BenchmarkPrimary60k). The cache uses its
// own binary encoding (codec.go) because encoding/gob took about 1 s of CPU
// to decode what the XML parse builds in 0.6 s; the codec takes 0.2 s, reading
// the file straight into one string that every decoded string is a slice of.
// A pool goes further: a warm resolution of a small request beside a
// 60,000-package repository maps its 127 MB file, checks its CRC-32C
// through a small buffer, probes a few thousand keys and decodes a few
// hundred packages, about 0.15 s of CPU where decoding the whole cache entry
// and indexing it took 2 s (BenchmarkPool60k).
// Decompression is chosen by magic bytes (gzip, xz, zstd, bzip2, none), not
// file names.
package repo
