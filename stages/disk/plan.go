package disk

import (
	"errors"
	"fmt"
	"strings"
)

// Plan is where Layout.Plan puts things.
type Plan struct {
	Size  int64    // bytes of the disk image
	Parts []Extent // in Layout.Partitions order
}

// Extent is one placed partition, in bytes.
type Extent struct {
	Name        string
	Start, Size int64
}

// gptEntriesBytes is the partition entry array: 128 entries of 128 bytes.
const gptEntriesBytes = 128 * 128

// Plan places the partitions: each starts at the next multiple of Align,
// the first after the tables, and a Size-0 partition takes whatever the
// disk size leaves. It returns every problem at once: unknown types,
// contents larger than their partition, and a disk smaller than needed,
// with the bytes needed and given for each partition.
func (l Layout) Plan() (Plan, error) {
	align, head, tail, err := l.geometry()
	if err != nil {
		return Plan{}, err
	}
	sizes, rest, err := l.minSizes()
	if err != nil {
		return Plan{}, err
	}
	p := place(l.Partitions, sizes, align, head)
	end := p.end()
	if l.Size == 0 {
		p.Size = roundUp(end+tail, align)
		return p, l.checkMBRLimits(p)
	}
	avail := (l.Size - tail) / SectorSize * SectorSize
	if end > avail {
		return Plan{}, l.tooSmall(p, end+tail)
	}
	if rest >= 0 {
		slack := avail - end
		if rest != len(l.Partitions)-1 {
			slack = slack / align * align
		}
		sizes[rest] += slack
		p = place(l.Partitions, sizes, align, head)
	}
	p.Size = l.Size
	return p, l.checkMBRLimits(p)
}

// checkMBRLimits fails for an MBR disk whose partitions reach past the 32-bit
// sector numbers MBR entries hold (2 TiB).
func (l Layout) checkMBRLimits(p Plan) error {
	if l.Table != "mbr" {
		return nil
	}
	for _, e := range p.Parts {
		if (e.Start+e.Size)/SectorSize > 0xffffffff {
			return fmt.Errorf("disk: partition %s ends at %d bytes, past what MBR can address (2 TiB)", e.Name, e.Start+e.Size)
		}
	}
	return nil
}

// geometry returns the alignment, the first byte partitions may use, and
// the bytes the table needs at the end of the disk.
func (l Layout) geometry() (align, head, tail int64, err error) {
	align = l.Align
	if align == 0 {
		align = DefaultAlign
	}
	if align < SectorSize || align%SectorSize != 0 {
		return 0, 0, 0, fmt.Errorf("disk: alignment %d is not a positive multiple of %d", align, SectorSize)
	}
	switch l.Table {
	case "gpt":
		if len(l.Partitions) > 128 {
			return 0, 0, 0, fmt.Errorf("disk: GPT holds 128 partitions, layout has %d", len(l.Partitions))
		}
		return align, roundUp(2*SectorSize+gptEntriesBytes, align), SectorSize + gptEntriesBytes, nil
	case "mbr":
		if len(l.Partitions) > 4 {
			return 0, 0, 0, fmt.Errorf("disk: MBR holds 4 primary partitions, layout has %d", len(l.Partitions))
		}
		return align, roundUp(SectorSize, align), 0, nil
	}
	return 0, 0, 0, fmt.Errorf("disk: table %q is neither \"gpt\" nor \"mbr\"", l.Table)
}

// minSizes returns each partition's smallest size in whole sectors and the
// index of the partition that fills the rest (-1 if none).
func (l Layout) minSizes() ([]int64, int, error) {
	sizes := make([]int64, len(l.Partitions))
	rest := -1
	var errs []error
	for i, p := range l.Partitions {
		if err := l.checkPart(p); err != nil {
			errs = append(errs, err)
		}
		var need int64
		if p.Content != nil {
			need = p.Content.Size()
		}
		switch {
		case p.Size < 0:
			errs = append(errs, fmt.Errorf("disk: partition %s: negative size %d", p.Name, p.Size))
		case p.Size == 0 && rest >= 0:
			errs = append(errs, fmt.Errorf("disk: partitions %s and %s both fill the rest", l.Partitions[rest].Name, p.Name))
		case p.Size == 0:
			rest = i
		case need > p.Size:
			errs = append(errs, fmt.Errorf("disk: partition %s too small: content needs %d bytes, partition has %d", p.Name, need, p.Size))
		default:
			need = p.Size
		}
		sizes[i] = roundUp(need, SectorSize)
	}
	if rest >= 0 && sizes[rest] == 0 && l.Size == 0 {
		errs = append(errs, fmt.Errorf("disk: partition %s fills the rest, but the disk has no size and the partition no content", l.Partitions[rest].Name))
	}
	return sizes, rest, errors.Join(errs...)
}

// checkPart checks what Plan can check about one partition on its own.
func (l Layout) checkPart(p Partition) error {
	if p.Name == "" {
		return fmt.Errorf("disk: a partition has no name")
	}
	if l.Table == "mbr" {
		_, err := MBRType(p.Type)
		if err != nil {
			return fmt.Errorf("disk: partition %s: %w", p.Name, err)
		}
		return nil
	}
	if _, err := TypeGUID(p.Type); err != nil {
		return fmt.Errorf("disk: partition %s: %w", p.Name, err)
	}
	if p.GUID == ([16]byte{}) {
		return fmt.Errorf("disk: partition %s has no GUID (derive one with ids.UUID)", p.Name)
	}
	if n := len(utf16Units(p.Label)); n > 36 {
		return fmt.Errorf("disk: partition %s: label %q has %d UTF-16 units, GPT holds 36", p.Name, p.Label, n)
	}
	return nil
}

func place(parts []Partition, sizes []int64, align, head int64) Plan {
	p := Plan{Parts: make([]Extent, len(parts))}
	at := head
	for i, part := range parts {
		p.Parts[i] = Extent{Name: part.Name, Start: at, Size: sizes[i]}
		at = roundUp(at+sizes[i], align)
	}
	return p
}

func (p Plan) end() int64 {
	if len(p.Parts) == 0 {
		return 0
	}
	last := p.Parts[len(p.Parts)-1]
	return last.Start + last.Size
}

// tooSmall describes a disk size that cannot hold the plan.
func (l Layout) tooSmall(p Plan, need int64) error {
	var b strings.Builder
	fmt.Fprintf(&b, "disk: layout needs %d bytes (%s), disk size is %d bytes (%s):", need, inMiB(need), l.Size, inMiB(l.Size))
	for _, e := range p.Parts {
		fmt.Fprintf(&b, "\n  %s: %d bytes (%s) at %d", e.Name, e.Size, inMiB(e.Size), e.Start)
	}
	return errors.New(b.String())
}

func inMiB(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

func roundUp(n, m int64) int64 { return (n + m - 1) / m * m }
