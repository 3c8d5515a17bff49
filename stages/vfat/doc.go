// Package vfat writes byte-reproducible FAT16 and FAT32 filesystem images
// (such as an EFI system partition for systemd-boot) into plain files,
// from the same entries as package ext4, without mounting anything.
//
// Entry points:
//   - Write lays out and writes a whole filesystem to an io.WriterAt.
//   - MinSize tells the smallest image size (bytes) Write accepts for the
//     entries, so callers can size a partition and fail early.
//
// Only directories and regular files can be stored; other entry types are
// an error naming the path. Names that are not plain upper-case 8.3 names
// get VFAT long file name entries and a "~N" short alias; two names that
// differ only in case are an error (FAT compares names without case).
//
// Like mkfs.fat, Write picks FAT16 below 512 MiB (never FAT12: the smallest
// image is about 2.1 MiB) and FAT32 from there, and the same cluster sizes;
// Options can force either. Every byte derives from the entries and
// Options: clusters are handed out in one pass, first every directory and
// then every file's content, each in depth-first name order, so each is
// one contiguous run; every timestamp is Options.Epoch (UTC, clamped to
// 1980, FAT's first year); the volume ID and label are given.
//
// Why hand-written: go-diskfs's fat32 takes its timestamps from the
// process's SOURCE_DATE_EPOCH or the clock rather than from an argument,
// cannot be given a volume ID, and writes through its own file API with
// no FAT16; this package has none of those limits and stays small.
package vfat
