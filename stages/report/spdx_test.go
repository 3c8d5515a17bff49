package report

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	packageurl "github.com/package-url/packageurl-go"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// spdxSchema compiles the SPDX 2.3 JSON schema kept in testdata (see
// testdata/README.md for its source).
func spdxSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/spdx-schema-2.3.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("spdx-schema-2.3.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("spdx-schema-2.3.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func spdxBytes(t *testing.T, in Input) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := build(t, in).WriteSPDX(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func validate(s *jsonschema.Schema, b []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return err
	}
	return s.Validate(inst)
}

func TestSPDXSchema(t *testing.T) {
	s := spdxSchema(t)
	good := spdxBytes(t, fixtureInput(t))
	if err := validate(s, good); err != nil {
		t.Fatalf("SPDX document does not validate: %v", err)
	}
	noOutputs := fixtureInput(t)
	noOutputs.Outputs = nil
	if err := validate(s, spdxBytes(t, noOutputs)); err != nil {
		t.Errorf("SPDX document without outputs does not validate: %v", err)
	}
	// The validator must be able to say no: break the document in ways
	// the schema forbids.
	for name, breakIt := range map[string]func(map[string]any){
		"package without downloadLocation": func(d map[string]any) {
			delete(d["packages"].([]any)[1].(map[string]any), "downloadLocation")
		},
		"unknown relationship": func(d map[string]any) {
			d["relationships"].([]any)[0].(map[string]any)["relationshipType"] = "OWNS"
		},
		"no creators": func(d map[string]any) { d["creationInfo"].(map[string]any)["creators"] = []any{} },
		"extra key":   func(d map[string]any) { d["machine"] = "x" },
	} {
		var d map[string]any
		if err := json.Unmarshal(good, &d); err != nil {
			t.Fatal(err)
		}
		breakIt(d)
		b, _ := json.Marshal(d)
		if validate(s, b) == nil {
			t.Errorf("%s: schema accepted a broken document", name)
		}
	}
}

type spdxDoc struct {
	SPDXVersion, DataLicense, SPDXID, Name, DocumentNamespace string
	CreationInfo                                              struct {
		Created  string
		Creators []string
	}
	Packages []struct {
		SPDXID, Name, VersionInfo string
		Checksums                 []struct{ Algorithm, ChecksumValue string }
		ExternalRefs              []struct{ ReferenceType, ReferenceLocator string }
	}
	Relationships []struct {
		SPDXElementID      string `json:"spdxElementId"`
		RelationshipType   string
		RelatedSPDXElement string `json:"relatedSpdxElement"`
	}
}

func decodeSPDX(t *testing.T, b []byte) spdxDoc {
	t.Helper()
	var d spdxDoc
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestSPDXReferences checks what the schema cannot: SPDXIDs are unique
// and of the allowed characters (the pattern SPDX 2.3.1's schema adds),
// every relationship names an element of the document, and the document
// describes the image, which contains each locked RPM.
func TestSPDXReferences(t *testing.T) {
	in := fixtureInput(t)
	d := decodeSPDX(t, spdxBytes(t, in))
	idPattern := regexp.MustCompile(`^SPDXRef-[a-zA-Z0-9.-]+$`)
	ids := map[string]bool{d.SPDXID: true}
	for _, p := range d.Packages {
		if !idPattern.MatchString(p.SPDXID) {
			t.Errorf("SPDXID %q has characters SPDX does not allow", p.SPDXID)
		}
		if ids[p.SPDXID] {
			t.Errorf("SPDXID %q used twice", p.SPDXID)
		}
		ids[p.SPDXID] = true
	}
	contains := map[string]bool{}
	for _, r := range d.Relationships {
		if !ids[r.SPDXElementID] || !ids[r.RelatedSPDXElement] {
			t.Errorf("relationship %+v names an element not in the document", r)
		}
		if r.RelationshipType == "CONTAINS" && r.SPDXElementID == "SPDXRef-Image" {
			contains[r.RelatedSPDXElement] = true
		}
	}
	if d.Relationships[0].SPDXElementID != "SPDXRef-DOCUMENT" || d.Relationships[0].RelationshipType != "DESCRIBES" ||
		d.Relationships[0].RelatedSPDXElement != "SPDXRef-Image" {
		t.Errorf("first relationship %+v, want DOCUMENT DESCRIBES Image", d.Relationships[0])
	}
	if len(contains) != len(in.Lock.Packages) || len(d.Packages) != len(in.Lock.Packages)+1 {
		t.Errorf("image contains %d packages, the lock has %d", len(contains), len(in.Lock.Packages))
	}
	if d.SPDXVersion != "SPDX-2.3" || d.DataLicense != "CC0-1.0" || d.Name != "estate/web-1" ||
		d.CreationInfo.Created != "2023-11-14T22:13:20Z" || !slices.Equal(d.CreationInfo.Creators, []string{"Tool: disco devel"}) {
		t.Errorf("document header %+v", d)
	}
	digest, _ := in.Machine.Digest()
	if want := "https://disco.invalid/spdx/estate/web-1/" + strings.TrimPrefix(digest, "sha256:"); d.DocumentNamespace != want {
		t.Errorf("namespace %s, want %s", d.DocumentNamespace, want)
	}
}

// TestSPDXPurls parses each purl with packageurl-go and compares its parts
// with the locked package.
func TestSPDXPurls(t *testing.T) {
	in := fixtureInput(t)
	d := decodeSPDX(t, spdxBytes(t, in))
	seen := 0
	for _, lp := range in.Lock.Packages {
		for _, p := range d.Packages {
			if p.Name != lp.Name {
				continue
			}
			seen++
			if p.VersionInfo != lp.EVR() || len(p.Checksums) != 1 || p.Checksums[0].ChecksumValue != lp.SHA256 {
				t.Errorf("%s: version %s checksums %+v", lp.Name, p.VersionInfo, p.Checksums)
			}
			if len(p.ExternalRefs) != 1 || p.ExternalRefs[0].ReferenceType != "purl" {
				t.Fatalf("%s: external refs %+v", lp.Name, p.ExternalRefs)
			}
			u, err := packageurl.FromString(p.ExternalRefs[0].ReferenceLocator)
			if err != nil {
				t.Fatalf("%s: %v", p.ExternalRefs[0].ReferenceLocator, err)
			}
			q := u.Qualifiers.Map()
			want := map[string]string{"arch": lp.Arch}
			if lp.Epoch != 0 {
				want["epoch"] = "2"
			}
			if u.Type != "rpm" || u.Name != lp.Name || u.Version != lp.Version+"-"+lp.Release || !maps.Equal(q, want) {
				t.Errorf("purl %s parses as %+v", p.ExternalRefs[0].ReferenceLocator, u)
			}
		}
	}
	if seen != len(in.Lock.Packages) {
		t.Errorf("found %d of %d packages", seen, len(in.Lock.Packages))
	}
}

// TestSPDXIDCollision: NEVRAs that sanitise to the same text still get
// distinct SPDXIDs, and the document stays valid.
func TestSPDXIDCollision(t *testing.T) {
	in := fixtureInput(t)
	a := in.Lock.Packages[0]
	a.Name, a.SHA256 = "foo+bar", sum("foo+bar")
	b := a
	b.Name, b.SHA256 = "foo_bar", sum("foo_bar")
	in.Lock.Packages = append(in.Lock.Packages, a, b)
	raw := spdxBytes(t, in)
	if err := validate(spdxSchema(t), raw); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, p := range decodeSPDX(t, raw).Packages {
		if ids[p.SPDXID] {
			t.Errorf("SPDXID %s used twice", p.SPDXID)
		}
		ids[p.SPDXID] = true
	}
	if len(ids) != len(in.Lock.Packages)+1 {
		t.Errorf("%d SPDXIDs for %d packages and the image", len(ids), len(in.Lock.Packages))
	}
}
