// Package report describes one built machine for people and for tools:
// what went in (the plan digest, the locked packages and the repositories
// they came from), what ran (package and generator scriptlets), how the disk
// is laid out, which files were written, and where every path of the root
// came from. It renders that as canonical JSON, as Markdown meant to be
// committed next to the config ("build reports as wiki markup, suitable
// for git pages", as discographer's users asked), and as an SPDX 2.3 JSON
// software bill of materials.
//
// Entry points:
//   - Build: a Report from an Input (plan, lock, manifest, disk layout and
//     plan, outcomes, outputs, SOURCE_DATE_EPOCH, tool name).
//   - Report.WriteJSON, Report.WriteMarkdown, Report.WriteSPDX.
//
// Everything written depends only on the Input: no clock, no map order.
// Lists are sorted (packages by name, arch, EVR; repos by id; outputs by
// path; files by path; sources by name) except outcomes, which keep the
// order they ran in. The one input that varies between otherwise identical
// builds is an outcome's seconds: it is in the JSON, left out of the
// Markdown so a report kept in git only changes when the machine does, and
// left out of the SPDX document.
//
// # JSON schema (version 1)
//
// All keys are snake_case; the document is an object:
//
//	schema             int     1
//	machine            string  "group/name"
//	group, name, arch  string
//	plan_digest        string  "sha256:<hex>" (plan.Machine.Digest)
//	source_date_epoch  int     seconds since 1970, every mtime of the image
//	tool               string  e.g. "disco devel"
//	repos              [{id, repomd_sha256}]
//	packages           [{nevra, name, epoch, version, release, arch, repo,
//	                     location, sha256, size, buildtime}]
//	outcomes           [{package, name, status, exit_code, seconds, reason}]
//	                   status is "ran", "skipped" or "failed"; package is
//	                   the NEVRA for rpm scriptlets, empty for generators
//	disk               {table, size, guid, disk_id, partitions: [{name,
//	                     start, size, type, type_id, guid, label,
//	                     fs_type, fs_uuid, mount}]}; omitted without a disk.
//	                   guid is the GPT disk GUID, disk_id the MBR signature
//	                   (8 hex digits); type_id the GPT type GUID or MBR byte
//	boot               {loader, kernel, kernel_path, initrd, initrd_sha256,
//	                     modules, cmdline, appliance_cmdline}; omitted when
//	                   the machine does not boot. kernel is the version,
//	                   modules the initramfs's module files in load order
//	outputs            [{format, path, size, sha256}], path relative to the
//	                   machine's output folder
//	files              [{path, kind, mode, uid, gid, size, sha256, target,
//	                     source}], mode an octal string such as "0755"
//	sources            [{source, files, bytes}] per manifest source
//	                   ("package:NEVRA", "overlay:NAME", ...)
//	source_kinds       [{source, files, bytes}] per source kind (the part
//	                   before the first ':')
//
// bytes counts regular files once per hard-link group. Optional strings are
// left out when empty; lists are [] rather than null.
//
// # SPDX
//
// WriteSPDX writes one package per locked RPM and one for the image,
// related as DOCUMENT DESCRIBES image and image CONTAINS rpm. Licences,
// suppliers and download locations are NOASSERTION: the lock carries none
// of them, and a repository-relative location is not a URL. Each RPM has a
// purl, pkg:rpm/NAME@VERSION-RELEASE?arch=ARCH[&epoch=N], without the
// vendor namespace the purl rpm type asks for, because a repository id does
// not name a vendor; epoch is given when it is not zero, as rpm omits it.
// The document namespace is derived from the group, machine and plan
// digest, and the creation time is SOURCE_DATE_EPOCH, so the same build
// yields the same bytes. The SPDX JSON is written by hand from small structs
// rather than through github.com/spdx/tools-golang, which would bring a
// large dependency for the dozen fields used here.
package report
