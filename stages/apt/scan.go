package apt

import "github.com/disco-build/disco/stages/debver"

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
	if i < 0 || i >= p.enc.n {
		return false
	}
	b, ok := p.enc.record(i)
	if !ok {
		return false
	}
	d := poolDecoder{enc: p.enc, b: b}
	rec.Name, rec.Architecture, rec.MultiArch, rec.Priority = d.str(), d.str(), d.str(), d.str()
	for range 2 { // section, source
		d.uint()
	}
	for range 3 { // filename, SHA256, description
		d.uint()
	}
	d.skipVersion()
	d.skipVersion()
	rec.Essential = d.uint()&1 != 0
	for range 2 { // size, installed size
		d.uint()
	}
	rec.Refs = rec.Refs[:0]
	for f := range len(relationFields) {
		for n := d.count(); n > 0 && d.err == nil; n-- {
			for m := d.count(); m > 0 && d.err == nil; m-- {
				rec.Refs = append(rec.Refs, d.ref(uint8(f)))
			}
		}
	}
	for n := d.count(); n > 0 && d.err == nil; n-- {
		rec.Refs = append(rec.Refs, d.ref(ProvidesField))
	}
	return d.err == nil && d.b == ""
}

func (d *poolDecoder) skipVersion() {
	d.uint()
	d.uint()
	d.uint()
}

func (d *poolDecoder) ref(field uint8) NameRef {
	r := NameRef{Field: field, Name: d.str(), ArchQual: d.str()}
	op := d.uint()
	if op > uint64(debver.GT) {
		d.fail()
	}
	r.Op = debver.Op(op)
	if r.Op != debver.None {
		d.skipVersion()
	}
	return r
}
