// Package deb822 reads Debian control data: the paragraphs of "Name:
// value" fields that Packages and Sources indexes, Release files,
// deb822-style apt sources (.sources), debian/control and dpkg's status
// file are made of (deb822(5)).
//
// Entry points: NewScanner walks the paragraphs of a document held in
// memory, one at a time, without copying it (field values are substrings
// of the document); ReadAll returns every paragraph of a reader. A
// Paragraph looks its fields up by name without regard to case (Get,
// Value); Lines splits a multi-line value as deb822 folds it.
//
// Rules, as deb822(5) states them and apt and dpkg apply them: paragraphs
// are separated by blank lines (empty, or spaces and tabs only); a field
// starts at column 0 with a name of printable US-ASCII other than ':' that
// does not start with '#' or '-'; a line starting with a space or tab
// continues the field before it; a field may not appear twice in a
// paragraph. Comment lines ('#' at column 0) are allowed only where
// Options.Comments says so (apt sources and debian/control), and never end
// a paragraph. A NUL byte, a continuation line with no field before it, a
// line with no ':' and a bad field name are errors that name the file and
// line (*Error).
//
// Why hand-written: the Packages index of one Debian suite holds some
// 63,000 paragraphs in 50 MB; a scanner that slices the document in place
// reads it in a fraction of the time of a line reader that copies, and Go
// has no maintained deb822 reader that reports file:line (pault.ag/go/debian
// reads through reflection into structs).
package deb822
