#!/bin/busybox sh
# The machines' init (placed at /init; disco's initramfs starts it after
# switching to the root): print a marker with a value read from the root
# filesystem, which proves the root was found and mounted, then power off.
/bin/busybox mount -t proc proc /proc 2>/dev/null
echo "disco-marker: $(/bin/busybox cat /etc/disco-marker) kernel=$(/bin/busybox uname -r)"
# Let the serial console drain: poweroff -f does not wait for it.
/bin/busybox sleep 1
/bin/busybox poweroff -f
