package ova

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/disco-build/disco/stages/vmimage/internal/disktest"
)

var when = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

func testOpts(dir string) Options {
	return Options{
		Name: "web-1", Product: "disco test <appliance>", Vendor: "disco", Version: "1.0",
		CPUs: 2, MemoryMiB: 2048, NIC: "vmxnet3", Controller: "sata", Firmware: "efi",
		BootOrder: []string{"disk", "net"}, Time: when, TempDir: dir,
	}
}

func writeOVA(t *testing.T, raw string, opts Options) []byte {
	t.Helper()
	in, err := os.Open(raw)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	st, _ := in.Stat()
	var buf bytes.Buffer
	if err := Write(context.Background(), &buf, in, st.Size(), opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// entry is one file read back from an OVA.
type entry struct {
	hdr  *tar.Header
	data []byte
}

func readOVA(t *testing.T, b []byte) []entry {
	t.Helper()
	var out []entry
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, entry{h, data})
	}
}

// envelope is the part of an OVF descriptor the test checks.
type envelope struct {
	Files []struct {
		Href string `xml:"href,attr"`
		Size int64  `xml:"size,attr"`
	} `xml:"References>File"`
	Disks []struct {
		Capacity  int64  `xml:"capacity,attr"`
		Populated int64  `xml:"populatedSize,attr"`
		Format    string `xml:"format,attr"`
	} `xml:"DiskSection>Disk"`
	System struct {
		ID    string `xml:"id,attr"`
		Items []struct {
			ResourceType    int    `xml:"ResourceType"`
			ResourceSubType string `xml:"ResourceSubType"`
			VirtualQuantity string `xml:"VirtualQuantity"`
		} `xml:"VirtualHardwareSection>Item"`
		Product string `xml:"ProductSection>Product"`
	} `xml:"VirtualSystem"`
}

func TestOVA(t *testing.T) {
	dir := t.TempDir()
	raw := disktest.Partitioned(t, dir)
	opts := testOpts(dir)
	ova := writeOVA(t, raw, opts)
	if !bytes.Equal(ova, writeOVA(t, raw, opts)) {
		t.Error("two runs wrote different bytes")
	}
	entries := readOVA(t, ova)
	var names []string
	for _, e := range entries {
		names = append(names, e.hdr.Name)
		if !e.hdr.ModTime.Equal(when) || e.hdr.Uid != 0 || e.hdr.Gid != 0 || e.hdr.Mode != 0o644 {
			t.Errorf("%s: mtime %v uid %d gid %d mode %o", e.hdr.Name, e.hdr.ModTime, e.hdr.Uid, e.hdr.Gid, e.hdr.Mode)
		}
	}
	if got := strings.Join(names, " "); got != "web-1.ovf web-1.mf web-1-disk1.vmdk" {
		t.Fatalf("entries %s", got)
	}
	ovf, mf, vmdk := entries[0].data, entries[1].data, entries[2].data
	checkEnvelope(t, ovf, int64(len(vmdk)))
	wantMF := fmt.Sprintf("SHA256(web-1.ovf)= %x\nSHA256(web-1-disk1.vmdk)= %x\n", sha256.Sum256(ovf), sha256.Sum256(vmdk))
	if string(mf) != wantMF {
		t.Errorf("manifest:\n%s\nwant:\n%s", mf, wantMF)
	}
	// The disk, unpacked by tar(1), is the raw disk.
	ovaPath := filepath.Join(dir, "web-1.ova")
	if err := os.WriteFile(ovaPath, ova, 0o644); err != nil {
		t.Fatal(err)
	}
	listing := disktest.Run(t, "tar", "-tvf", ovaPath)
	if !strings.Contains(listing, "2024-01-02 03:04 web-1.ovf") {
		t.Errorf("tar -tvf:\n%s", listing)
	}
	out := filepath.Join(dir, "x")
	os.Mkdir(out, 0o755)
	disktest.Run(t, "tar", "-xf", ovaPath, "-C", out)
	disktest.Verify(t, "vmdk", raw, filepath.Join(out, "web-1-disk1.vmdk"))
	if leftover, _ := filepath.Glob(filepath.Join(dir, "disco-ova-*")); len(leftover) > 0 {
		t.Errorf("spool files left behind: %v", leftover)
	}
}

func checkEnvelope(t *testing.T, ovf []byte, vmdkSize int64) {
	t.Helper()
	var env envelope
	if err := xml.Unmarshal(ovf, &env); err != nil {
		t.Fatalf("OVF does not parse: %v\n%s", err, ovf)
	}
	if len(env.Files) != 1 || env.Files[0].Href != "web-1-disk1.vmdk" || env.Files[0].Size != vmdkSize {
		t.Errorf("references %+v, VMDK is %d bytes", env.Files, vmdkSize)
	}
	if len(env.Disks) != 1 || env.Disks[0].Capacity != disktest.PartitionedSize || !strings.HasSuffix(env.Disks[0].Format, "#streamOptimized") {
		t.Errorf("disks %+v", env.Disks)
	}
	if p := env.Disks[0].Populated; p <= 0 || p >= disktest.PartitionedSize {
		t.Errorf("populated size %d", p)
	}
	got := map[int]string{}
	for _, it := range env.System.Items {
		got[it.ResourceType] = it.VirtualQuantity + "/" + it.ResourceSubType
	}
	want := map[int]string{3: "2/", 4: "2048/", 20: "/AHCI", 17: "/", 10: "/VmxNet3"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("hardware items %v, want %v", got, want)
	}
	if env.System.ID != "web-1" || env.System.Product != "disco test <appliance>" {
		t.Errorf("system %q product %q", env.System.ID, env.System.Product)
	}
	for _, s := range []string{`vmw:key="firmware" vmw:value="efi"`, `vmw:value="hdd,ethernet"`} {
		if !bytes.Contains(ovf, []byte(s)) {
			t.Errorf("OVF lacks %s", s)
		}
	}
}

func TestDefaultsAndErrors(t *testing.T) {
	dir := t.TempDir()
	r := disktest.Small()
	var buf bytes.Buffer
	if err := Write(context.Background(), &buf, r, r.Size(), Options{Name: "min", TempDir: dir, NoManifest: true}); err != nil {
		t.Fatal(err)
	}
	entries := readOVA(t, buf.Bytes())
	if len(entries) != 2 {
		t.Fatalf("%d entries, want descriptor and disk", len(entries))
	}
	if mt := entries[0].hdr.ModTime.Unix(); mt != 0 {
		t.Errorf("zero Options.Time gave mtime %d, want 0", mt)
	}
	ovf := string(entries[0].data)
	for _, s := range []string{"<rasd:ResourceSubType>lsilogic<", "<rasd:ResourceSubType>E1000<", "<rasd:VirtualQuantity>1024<", `ovf:id="101"`} {
		if !strings.Contains(ovf, s) {
			t.Errorf("default OVF lacks %s", s)
		}
	}
	for _, bad := range []Options{{Name: "a b"}, {Name: "x", NIC: "rtl8139"}, {Name: "x", BootOrder: []string{"floppy"}}, {Name: "x", Controller: "ide"}} {
		bad.TempDir = dir
		if err := Write(context.Background(), &buf, r, r.Size(), bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
