package ova

import (
	"encoding/xml"
	"fmt"
	"strings"
)

const (
	nsOVF         = "http://schemas.dmtf.org/ovf/envelope/1"
	nsRASD        = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
	nsVSSD        = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
	nsVMW         = "http://www.vmware.com/schema/ovf"
	fmtStreamVMDK = "http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"
)

// CIM resource types.
const (
	rtCPU    = 3
	rtMemory = 4
	rtSCSI   = 6
	rtNIC    = 10
	rtDisk   = 17
	rtSATA   = 20
)

// ovfWriter builds the descriptor text.
type ovfWriter struct{ b strings.Builder }

func (w *ovfWriter) line(indent int, format string, args ...any) {
	w.b.WriteString(strings.Repeat("  ", indent))
	fmt.Fprintf(&w.b, format, args...)
	w.b.WriteByte('\n')
}

// esc escapes s for XML text and attribute values.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// item is one rasd Item; its elements are written in the schema's
// (alphabetical) order, empty ones left out.
type item struct {
	address, addressOnParent, allocationUnits, automaticAllocation string
	connection, description, elementName, hostResource             string
	instanceID, parent, resourceSubType                            string
	resourceType                                                   int
	virtualQuantity                                                string
}

func (w *ovfWriter) item(it item) {
	w.line(3, "<Item>")
	for _, f := range []struct{ name, value string }{
		{"Address", it.address}, {"AddressOnParent", it.addressOnParent},
		{"AllocationUnits", it.allocationUnits}, {"AutomaticAllocation", it.automaticAllocation},
		{"Connection", it.connection}, {"Description", it.description},
		{"ElementName", it.elementName}, {"HostResource", it.hostResource},
		{"InstanceID", it.instanceID}, {"Parent", it.parent},
		{"ResourceSubType", it.resourceSubType}, {"ResourceType", fmt.Sprint(it.resourceType)},
		{"VirtualQuantity", it.virtualQuantity},
	} {
		if f.value != "" {
			w.line(4, "<rasd:%s>%s</rasd:%s>", f.name, esc(f.value), f.name)
		}
	}
	w.line(3, "</Item>")
}

// descriptor returns the OVF 1.0 envelope.
func descriptor(d diskFile, o Options) []byte {
	var w ovfWriter
	w.line(0, `<?xml version="1.0" encoding="UTF-8"?>`)
	w.line(0, `<Envelope ovf:version="1.0" xmlns="%s" xmlns:ovf="%s" xmlns:rasd="%s" xmlns:vssd="%s" xmlns:vmw="%s">`,
		nsOVF, nsOVF, nsRASD, nsVSSD, nsVMW)
	w.line(1, "<References>")
	w.line(2, `<File ovf:id="file1" ovf:href="%s" ovf:size="%d"/>`, esc(o.Disk.FileName), d.size)
	w.line(1, "</References>")
	w.line(1, "<DiskSection>")
	w.line(2, "<Info>Virtual disk information</Info>")
	w.line(2, `<Disk ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:capacity="%d" ovf:capacityAllocationUnits="byte" ovf:populatedSize="%d" ovf:format="%s"/>`,
		d.capacity, d.populated, fmtStreamVMDK)
	w.line(1, "</DiskSection>")
	if o.NIC != "none" {
		w.line(1, "<NetworkSection>")
		w.line(2, "<Info>The list of logical networks</Info>")
		w.line(2, `<Network ovf:name="%s">`, esc(o.Network))
		w.line(3, "<Description>The %s network</Description>", esc(o.Network))
		w.line(2, "</Network>")
		w.line(1, "</NetworkSection>")
	}
	w.system(o)
	w.line(0, "</Envelope>")
	return []byte(w.b.String())
}

func (w *ovfWriter) system(o Options) {
	w.line(1, `<VirtualSystem ovf:id="%s">`, esc(o.Name))
	w.line(2, "<Info>A virtual machine</Info>")
	w.line(2, "<Name>%s</Name>", esc(o.Name))
	w.line(2, `<OperatingSystemSection ovf:id="%d" vmw:osType="%s">`, o.OS.CIM, esc(o.OS.VMware))
	w.line(3, "<Info>The kind of installed guest operating system</Info>")
	w.line(3, "<Description>%s</Description>", esc(o.OS.Description))
	w.line(2, "</OperatingSystemSection>")
	w.hardware(o)
	if o.Product != "" {
		w.line(2, "<ProductSection>")
		w.line(3, "<Info>Information about the installed software</Info>")
		w.line(3, "<Product>%s</Product>", esc(o.Product))
		if o.Vendor != "" {
			w.line(3, "<Vendor>%s</Vendor>", esc(o.Vendor))
		}
		if o.Version != "" {
			w.line(3, "<Version>%s</Version>", esc(o.Version))
		}
		w.line(2, "</ProductSection>")
	}
	w.line(1, "</VirtualSystem>")
}

func (w *ovfWriter) hardware(o Options) {
	w.line(2, "<VirtualHardwareSection>")
	w.line(3, "<Info>Virtual hardware requirements</Info>")
	w.line(3, "<System>")
	w.line(4, "<vssd:ElementName>Virtual Hardware Family</vssd:ElementName>")
	w.line(4, "<vssd:InstanceID>0</vssd:InstanceID>")
	w.line(4, "<vssd:VirtualSystemIdentifier>%s</vssd:VirtualSystemIdentifier>", esc(o.Name))
	w.line(4, "<vssd:VirtualSystemType>%s</vssd:VirtualSystemType>", esc(o.HardwareFamily))
	w.line(3, "</System>")
	w.item(item{allocationUnits: "hertz * 10^6", description: "Number of Virtual CPUs",
		elementName: fmt.Sprintf("%d virtual CPU(s)", o.CPUs), instanceID: "1", resourceType: rtCPU,
		virtualQuantity: fmt.Sprint(o.CPUs)})
	w.item(item{allocationUnits: "byte * 2^20", description: "Memory Size",
		elementName: fmt.Sprintf("%d MB of memory", o.MemoryMiB), instanceID: "2", resourceType: rtMemory,
		virtualQuantity: fmt.Sprint(o.MemoryMiB)})
	ctl := item{address: "0", description: "SCSI Controller", elementName: "SCSI Controller 0",
		instanceID: "3", resourceSubType: "lsilogic", resourceType: rtSCSI}
	if o.Controller == "sata" {
		ctl = item{address: "0", description: "SATA Controller", elementName: "SATA Controller 0",
			instanceID: "3", resourceSubType: "AHCI", resourceType: rtSATA}
	}
	w.item(ctl)
	w.item(item{addressOnParent: "0", elementName: "Hard Disk 1", hostResource: "ovf:/disk/vmdisk1",
		instanceID: "4", parent: "3", resourceType: rtDisk})
	if o.NIC != "none" {
		sub := map[string]string{"e1000": "E1000", "vmxnet3": "VmxNet3"}[o.NIC]
		w.item(item{addressOnParent: "7", automaticAllocation: "true", connection: o.Network,
			description: sub + " ethernet adapter on " + o.Network, elementName: "Ethernet 1",
			instanceID: "5", resourceSubType: sub, resourceType: rtNIC})
	}
	if o.Firmware == "efi" {
		w.line(3, `<vmw:Config ovf:required="false" vmw:key="firmware" vmw:value="efi"/>`)
	}
	if len(o.BootOrder) > 0 {
		vmx := map[string]string{"disk": "hdd", "net": "ethernet", "cdrom": "cdrom"}
		var order []string
		for _, b := range o.BootOrder {
			order = append(order, vmx[b])
		}
		w.line(3, `<vmw:ExtraConfig ovf:required="false" vmw:key="bios.bootOrder" vmw:value="%s"/>`, strings.Join(order, ","))
	}
	w.line(2, "</VirtualHardwareSection>")
}
