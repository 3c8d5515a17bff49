package rpmsig

import (
	"bytes"
	"fmt"
	"io"
	"slices"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// OpenPGP packet tags a transferable public key is made of (RFC 9580 5).
const (
	tagSignature     = 2
	tagSecretKey     = 5
	tagPublicKey     = 6
	tagSecretSubkey  = 7
	tagUserID        = 13
	tagPublicSubkey  = 14
	tagUserAttribute = 17
)

// cert is one key as its packets: the primary key, the signatures on it
// (direct-key signatures, revocations) and its user IDs and subkeys, each
// with the signatures on it. Copies of a key merge into one cert, and a
// cert serializes in a canonical order (components and signatures sorted
// by their bytes, duplicates dropped), so the merged key is the same
// whatever order the copies came in. go-crypto then reads it as one
// entity and judges its self-signatures, revocations and expiries.
type cert struct {
	fpr     string
	primary []byte   // the primary key packet, serialized
	sigs    [][]byte // signature packets on the primary key
	comps   []*component
	sources []string
	entity  *openpgp.Entity // as go-crypto reads the merged key; nil if it cannot
}

// component is a user ID, user attribute or subkey with its signatures.
type component struct {
	packet []byte // serialized, header included
	sub    bool   // a subkey (sorted after user IDs)
	sigs   [][]byte
}

// splitCerts cuts binary key packets into certs, one per primary key.
func splitCerts(bin []byte) ([]*cert, error) {
	var out []*cert
	var cur *cert
	var comp *component
	r := packet.NewOpaqueReader(bytes.NewReader(bin))
	for {
		op, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		raw, err := serialize(op)
		if err != nil {
			return nil, err
		}
		switch op.Tag {
		case tagPublicKey, tagSecretKey:
			fpr, err := primaryFingerprint(op)
			if err != nil {
				return nil, err
			}
			cur, comp = &cert{fpr: fpr, primary: raw}, nil
			out = append(out, cur)
		case tagSignature:
			switch {
			case cur == nil:
				return nil, fmt.Errorf("signature packet before any public key")
			case comp == nil:
				cur.sigs = addPacket(cur.sigs, raw)
			default:
				comp.sigs = addPacket(comp.sigs, raw)
			}
		case tagUserID, tagUserAttribute, tagPublicSubkey, tagSecretSubkey:
			if cur == nil {
				return nil, fmt.Errorf("packet %d before any public key", op.Tag)
			}
			comp = cur.component(raw, op.Tag == tagPublicSubkey || op.Tag == tagSecretSubkey)
		default:
			// trust, marker and padding packets carry nothing to keep
		}
	}
}

func serialize(op *packet.OpaquePacket) ([]byte, error) {
	var b bytes.Buffer
	if err := op.Serialize(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func primaryFingerprint(op *packet.OpaquePacket) (string, error) {
	p, err := op.Parse()
	if err != nil {
		return "", fmt.Errorf("primary key: %w", err)
	}
	switch k := p.(type) {
	case *packet.PublicKey:
		return fingerprint(k.Fingerprint), nil
	case *packet.PrivateKey:
		return fingerprint(k.Fingerprint), nil
	}
	return "", fmt.Errorf("primary key packet reads as %T", p)
}

// component finds or adds the component with this packet.
func (c *cert) component(raw []byte, sub bool) *component {
	for _, x := range c.comps {
		if bytes.Equal(x.packet, raw) {
			return x
		}
	}
	x := &component{packet: raw, sub: sub}
	c.comps = append(c.comps, x)
	return x
}

// merge adds other's signatures and components (a copy of the same key).
func (c *cert) merge(other *cert) {
	for _, s := range other.sigs {
		c.sigs = addPacket(c.sigs, s)
	}
	for _, o := range other.comps {
		x := c.component(o.packet, o.sub)
		for _, s := range o.sigs {
			x.sigs = addPacket(x.sigs, s)
		}
	}
}

func (c *cert) addSource(name string) {
	if !slices.Contains(c.sources, name) {
		c.sources = append(c.sources, name)
	}
}

// serialize lays the cert out as a transferable public key: primary key,
// its signatures, user IDs and attributes, then subkeys, each followed by
// its signatures, all in byte order.
func (c *cert) serialize() []byte {
	comps := slices.Clone(c.comps)
	slices.SortFunc(comps, func(a, b *component) int {
		if a.sub != b.sub {
			if a.sub {
				return 1
			}
			return -1
		}
		return bytes.Compare(a.packet, b.packet)
	})
	out := slices.Clone(c.primary)
	for _, s := range sorted(c.sigs) {
		out = append(out, s...)
	}
	for _, x := range comps {
		out = append(out, x.packet...)
		for _, s := range sorted(x.sigs) {
			out = append(out, s...)
		}
	}
	return out
}

func addPacket(list [][]byte, p []byte) [][]byte {
	for _, x := range list {
		if bytes.Equal(x, p) {
			return list
		}
	}
	return append(list, p)
}

func sorted(list [][]byte) [][]byte {
	out := slices.Clone(list)
	slices.SortFunc(out, bytes.Compare)
	return out
}
