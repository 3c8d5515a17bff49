package store

import (
	"fmt"
	"os"
	"syscall"
)

// markerText renders the stat fields that change whenever an object's
// bytes could have changed: size, mtime, ctime (which no user call can set
// back) and inode (a rename of another copy into place).
func markerText(fi os.FileInfo) (string, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "", false
	}
	return fmt.Sprintf("size=%d mtime=%d.%09d ctime=%d.%09d dev=%d ino=%d\n",
		st.Size, st.Mtim.Sec, st.Mtim.Nsec, st.Ctim.Sec, st.Ctim.Nsec, st.Dev, st.Ino), true
}
