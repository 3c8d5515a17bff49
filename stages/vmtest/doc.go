// Package vmtest boots a built machine under qemu and waits for an
// expected line on its serial console: the library behind `disco test`.
//
// Entry points:
//   - Run boots one machine from Options (a UEFI disk under OVMF, or an
//     appliance's kernel, initrd, root image and command line), streams
//     the console, and returns a Result once a console line contains
//     Options.Expect, or a *BootError with the last console lines when
//     the time runs out, the console stays empty too long (a hung
//     firmware) or qemu exits first.
//   - ChooseAccel settles the accelerator: KVM when a probe guest (a
//     512-byte firmware, probe/probe.s, that goes through real, protected
//     and long mode, x87, SSE and a short loop) runs to its end under
//     qemu with KVM, else TCG (qemu's emulator) and why. A /dev/kvm that
//     opens is not enough: on nested (PVM) hosts qemu aborts setting an
//     MSR with -cpu host, or the firmware stops at its first x87
//     instruction.
//   - FindFirmware locates OVMF on the host.
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
