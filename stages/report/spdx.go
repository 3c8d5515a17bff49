package report

import (
	"fmt"
	"io"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"
)

// SPDX constants of the documents written here.
const (
	spdxVersion   = "SPDX-2.3"
	dataLicense   = "CC0-1.0"
	documentID    = "SPDXRef-DOCUMENT"
	imageID       = "SPDXRef-Image"
	noAssertion   = "NOASSERTION"
	namespaceBase = "https://disco.invalid/spdx/"
)

type spdxDocument struct {
	SPDXVersion       string             `json:"spdxVersion"`
	DataLicense       string             `json:"dataLicense"`
	SPDXID            string             `json:"SPDXID"`
	Name              string             `json:"name"`
	DocumentNamespace string             `json:"documentNamespace"`
	CreationInfo      spdxCreationInfo   `json:"creationInfo"`
	Packages          []spdxPackage      `json:"packages"`
	Relationships     []spdxRelationship `json:"relationships"`
}

type spdxCreationInfo struct {
	Created  string   `json:"created"`
	Creators []string `json:"creators"`
}

type spdxPackage struct {
	SPDXID           string            `json:"SPDXID"`
	Name             string            `json:"name"`
	VersionInfo      string            `json:"versionInfo"`
	PackageFileName  string            `json:"packageFileName,omitempty"`
	Supplier         string            `json:"supplier"`
	Originator       string            `json:"originator"`
	DownloadLocation string            `json:"downloadLocation"`
	FilesAnalyzed    bool              `json:"filesAnalyzed"`
	Checksums        []spdxChecksum    `json:"checksums,omitempty"`
	SourceInfo       string            `json:"sourceInfo,omitempty"`
	BuiltDate        string            `json:"builtDate,omitempty"`
	PrimaryPurpose   string            `json:"primaryPackagePurpose,omitempty"`
	LicenseConcluded string            `json:"licenseConcluded"`
	LicenseDeclared  string            `json:"licenseDeclared"`
	CopyrightText    string            `json:"copyrightText"`
	ExternalRefs     []spdxExternalRef `json:"externalRefs,omitempty"`
}

type spdxChecksum struct {
	Algorithm     string `json:"algorithm"`
	ChecksumValue string `json:"checksumValue"`
}

type spdxExternalRef struct {
	ReferenceCategory string `json:"referenceCategory"`
	ReferenceType     string `json:"referenceType"`
	ReferenceLocator  string `json:"referenceLocator"`
}

type spdxRelationship struct {
	SPDXElementID      string `json:"spdxElementId"`
	RelationshipType   string `json:"relationshipType"`
	RelatedSPDXElement string `json:"relatedSpdxElement"`
}

// WriteSPDX writes an SPDX 2.3 JSON document of the image and its RPMs;
// see the package doc for what each field holds.
func (r *Report) WriteSPDX(w io.Writer) error {
	return writeCanonical(w, r.spdx(), "SPDX document")
}

func (r *Report) spdx() spdxDocument {
	doc := spdxDocument{
		SPDXVersion: spdxVersion, DataLicense: dataLicense, SPDXID: documentID,
		Name:              r.Machine,
		DocumentNamespace: r.namespace(),
		CreationInfo:      spdxCreationInfo{Created: spdxTime(r.SourceDateEpoch), Creators: []string{"Tool: " + r.Tool}},
		Packages:          []spdxPackage{r.imagePackage()},
		Relationships:     []spdxRelationship{{documentID, "DESCRIBES", imageID}},
	}
	taken := map[string]bool{documentID: true, imageID: true}
	for _, p := range r.Packages {
		sp := rpmPackage(p, r.repomd(p.Repo))
		sp.SPDXID = unique("SPDXRef-Package-"+sanitize(p.NEVRA), taken)
		doc.Packages = append(doc.Packages, sp)
		doc.Relationships = append(doc.Relationships, spdxRelationship{imageID, "CONTAINS", sp.SPDXID})
	}
	slices.SortFunc(doc.Packages, func(a, b spdxPackage) int { return strings.Compare(a.SPDXID, b.SPDXID) })
	slices.SortFunc(doc.Relationships, func(a, b spdxRelationship) int {
		return strings.Compare(a.SPDXElementID+"\x00"+a.RelationshipType+"\x00"+a.RelatedSPDXElement,
			b.SPDXElementID+"\x00"+b.RelationshipType+"\x00"+b.RelatedSPDXElement)
	})
	return doc
}

// namespace is unique per machine and plan, and the same for every build
// of them.
func (r *Report) namespace() string {
	digest := strings.TrimPrefix(r.PlanDigest, "sha256:")
	return namespaceBase + url.PathEscape(r.Group) + "/" + url.PathEscape(r.Name) + "/" + digest
}

// imagePackage is the machine's image, with the raw disk image's checksum
// when the build wrote one.
func (r *Report) imagePackage() spdxPackage {
	p := spdxPackage{
		SPDXID: imageID, Name: r.Machine, VersionInfo: r.PlanDigest,
		Supplier: noAssertion, Originator: noAssertion, DownloadLocation: noAssertion,
		PrimaryPurpose:   "OPERATING_SYSTEM",
		LicenseConcluded: noAssertion, LicenseDeclared: noAssertion, CopyrightText: noAssertion,
		SourceInfo: "built by " + r.Tool + " from plan " + r.PlanDigest,
	}
	for _, o := range r.Outputs {
		if o.Format == "raw" {
			p.PackageFileName = path.Base(o.Path)
			p.Checksums = []spdxChecksum{{"SHA256", o.SHA256}}
			break
		}
	}
	return p
}

func rpmPackage(p Package, repomd string) spdxPackage {
	sp := spdxPackage{
		Name: p.Name, VersionInfo: p.EVR(), PackageFileName: path.Base(p.Location),
		Supplier: noAssertion, Originator: noAssertion, DownloadLocation: noAssertion,
		Checksums:        []spdxChecksum{{"SHA256", p.SHA256}},
		SourceInfo:       fmt.Sprintf("repository %s (repomd.xml sha256 %s), location %s", p.Repo, repomd, p.Location),
		LicenseConcluded: noAssertion, LicenseDeclared: noAssertion, CopyrightText: noAssertion,
		ExternalRefs: []spdxExternalRef{{"PACKAGE-MANAGER", "purl", purl(p)}},
	}
	if p.BuildTime != 0 {
		sp.BuiltDate = spdxTime(p.BuildTime)
	}
	return sp
}

func (r *Report) repomd(id string) string {
	for _, repo := range r.Repos {
		if repo.ID == id {
			return repo.RepomdSHA256
		}
	}
	return "unknown"
}

// spdxTime is the UTC "YYYY-MM-DDThh:mm:ssZ" form SPDX requires.
func spdxTime(epoch int64) string {
	return time.Unix(epoch, 0).UTC().Format("2006-01-02T15:04:05Z")
}

// sanitize keeps letters, digits, '.' and '-' (what an SPDXID may hold)
// and turns anything else into '-'.
func sanitize(s string) string {
	return strings.Map(func(c rune) rune {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' {
			return c
		}
		return '-'
	}, s)
}

// unique returns id, or id with the first free "-N" suffix when sanitising
// made two NEVRAs equal; callers go in a fixed order, so this is stable.
func unique(id string, taken map[string]bool) string {
	cand := id
	for n := 2; taken[cand]; n++ {
		cand = fmt.Sprintf("%s-%d", id, n)
	}
	taken[cand] = true
	return cand
}
