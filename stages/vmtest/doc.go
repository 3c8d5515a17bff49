// Package vmtest boots a built machine under qemu and waits for an
// expected line on its serial console: the library behind `disco test`.
//
// Entry points:
//   - Run boots one machine from Options (a UEFI disk under OVMF, or an
//     appliance's kernel, initrd, root image and command line), streams
//     the console, and returns a Result once a console line contains
//     Options.Expect, or a *BootError with the last console lines when
//     the time runs out or qemu exits first.
//   - FindFirmware locates OVMF on the host; DetectAccel says whether KVM
//     is usable ("kvm") or qemu must emulate ("tcg").
//
// The built images are never modified: disks are attached with
// snapshot=on and the OVMF variable store is a temporary copy. The guest
// gets no network unless Options.NIC names a model, and then only qemu's
// user network with restrict=on (no way out of the host). Once the line
// is seen, the guest is asked to power off (ACPI, through qemu's monitor)
// and killed if it has not within Options.Grace. Cancelling the context
// kills qemu.
//
// Run never prints: the console goes to Options.Console (live) and
// Options.ConsoleLog (the whole console, written atomically when qemu is
// gone), carriage returns removed.
package vmtest
