package debmirror

import (
	"net"
	"net/http"
	"time"
)

// netClient gives up on a mirror that does not answer within a minute.
var netClient = http.Client{
	Timeout: 5 * time.Minute,
	Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second}).DialContext,
		ResponseHeaderTimeout: time.Minute,
	},
}
