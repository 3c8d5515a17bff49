package repo

var (
	EncodePackagesForTest = encodePackages
	DecodePackagesForTest = decodePackages
	CodecFields           = codecFields
)
