#!/usr/bin/env python3
# tarlist.py: list a tar archive read from stdin as JSON lines, one per
# entry in archive order, with a SHA-256 of each regular file's content.
# The deb package's oracle tests compare these listings (made from the
# output of dpkg-deb --fsys-tarfile and --ctrl-tarfile) with their own.
import hashlib, json, sys, tarfile

TYPES = {tarfile.REGTYPE: "file", tarfile.AREGTYPE: "file", tarfile.LNKTYPE: "hardlink",
         tarfile.SYMTYPE: "symlink", tarfile.CHRTYPE: "char", tarfile.BLKTYPE: "block",
         tarfile.DIRTYPE: "dir", tarfile.FIFOTYPE: "fifo"}

with tarfile.open(fileobj=sys.stdin.buffer, mode="r|") as t:
    for m in t:
        e = {"name": m.name if not m.isdir() else m.name.rstrip("/") or ".",
             "type": TYPES.get(m.type, repr(m.type)), "mode": m.mode & 0o7777,
             "uid": m.uid, "gid": m.gid, "uname": m.uname, "gname": m.gname,
             "mtime": int(m.mtime), "size": m.size if m.isreg() else 0,
             "link": m.linkname, "major": m.devmajor if m.ischr() or m.isblk() else 0,
             "minor": m.devminor if m.ischr() or m.isblk() else 0, "sha256": ""}
        if m.isreg():
            e["sha256"] = hashlib.sha256(t.extractfile(m).read()).hexdigest()
        print(json.dumps(e, sort_keys=True))
