package apt

import (
	"github.com/disco-build/disco/stages/debver"
	"github.com/disco-build/disco/stages/internal/mapped"
)

// NameRef is a name a package record mentions, as Scan reports it.
type NameRef struct {
	// Field is the relation field, in the order of RelationFields
	// ("Depends" 0, "Pre-Depends" 1, ...), or ProvidesField.
	Field    uint8
	Name     string
	ArchQual string    // "", "any", "native" or an architecture
	Op       debver.Op // the operator of the relation or provide
}

// ProvidesField is NameRef.Field of a provide.
const ProvidesField = 8

// RelationFields are the relation fields Scan reports, by NameRef.Field.
var RelationFields = relationFields

// ScanRecord is what Scan reads of a package record.
type ScanRecord struct {
	Name, Architecture, MultiArch string
	Priority                      string
	Essential                     bool
	// Refs are the names of the relations, field by field in the order
	// of RelationFields, then those of the provides, each in the order
	// the index gives them.
	Refs []NameRef
}

// Scan reads the name, architecture, Multi-Arch, priority, Essential and
// the names every
// relation and provide mentions of package i, without decoding versions
// or the rest of the record, and without keeping anything: strings point
// into the pool. It is for a pass over a whole index (a resolver ordering
// names as apt's cache generator meets them) at a fraction of the cost of
// Package. rec.Refs is reused. It returns false when the record does not
// decode.
func (p *Pool) Scan(i int, rec *ScanRecord) bool {
	if i < 0 || i >= p.enc.Len() {
		return false
	}
	d := poolDecoder{Reader: mapped.Reader{Corrupt: errCorrupt}, enc: p.enc}
	if !d.Start(p.enc, i) {
		return false
	}
	rec.Name, rec.Architecture, rec.MultiArch, rec.Priority = d.str(), d.str(), d.str(), d.str()
	for range 2 { // section, source
		d.Uint()
	}
	for range 3 { // filename, SHA256, description
		d.Uint()
	}
	d.skipVersion()
	d.skipVersion()
	rec.Essential = d.Uint()&1 != 0
	for range 2 { // size, installed size
		d.Uint()
	}
	rec.Refs = rec.Refs[:0]
	for f := range len(relationFields) {
		for n := d.Count(); n > 0 && d.Err == nil; n-- {
			for m := d.Count(); m > 0 && d.Err == nil; m-- {
				rec.Refs = append(rec.Refs, d.ref(uint8(f)))
			}
		}
	}
	for n := d.Count(); n > 0 && d.Err == nil; n-- {
		rec.Refs = append(rec.Refs, d.ref(ProvidesField))
	}
	return d.Err == nil && d.B == ""
}

func (d *poolDecoder) skipVersion() {
	d.Uint()
	d.Uint()
	d.Uint()
}

func (d *poolDecoder) ref(field uint8) NameRef {
	r := NameRef{Field: field, Name: d.str(), ArchQual: d.str()}
	op := d.Uint()
	if op > uint64(debver.GT) {
		d.Fail()
	}
	r.Op = debver.Op(op)
	if r.Op != debver.None {
		d.skipVersion()
	}
	return r
}
