// Command csi-hostpath is Arca's test CSI driver for the real-node tier: volumes are folders under
// --data-dir, snapshots are copies of them, and a published volume is a bind mount of its folder
// on the target path kubelet gives. One process serves the CSI Identity, Controller and Node
// services on --endpoint and, with --registration, kubelet's plugin registration (the job the
// node-driver-registrar sidecar does elsewhere), so one container is the whole driver.
//
// It exists because the Go module proxy does not serve github.com/kubernetes-csi/csi-driver-host-path
// or node-driver-registrar; the external provisioner and snapshotter sidecars it works with are
// the upstream ones. Test support only: no capacity limits, no topology, single node.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/container-storage-interface/spec/lib/go/csi"
	"google.golang.org/grpc"
	registration "k8s.io/kubelet/pkg/apis/pluginregistration/v1"
)

var version = "dev"

func main() {
	endpoint := flag.String("endpoint", "", "Unix socket path of the CSI services")
	reg := flag.String("registration", "", "Unix socket path for kubelet's plugin registration (optional)")
	name := flag.String("driver-name", "hostpath.csi.arca.test", "the CSI driver's name")
	node := flag.String("node-id", "", "the node's name, for NodeGetInfo")
	data := flag.String("data-dir", "", "folder of the volumes and snapshots")
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println("csi-hostpath", version)
		return
	}
	if *endpoint == "" || *node == "" || *data == "" {
		log.Fatal("--endpoint, --node-id and --data-dir are required")
	}
	d := &driver{name: *name, nodeID: *node, data: *data}
	for _, dir := range []string{d.volumes(), d.snapshots()} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			log.Fatal(err)
		}
	}

	csiServer := grpc.NewServer(grpc.UnaryInterceptor(logCalls))
	csi.RegisterIdentityServer(csiServer, &identity{d: d})
	csi.RegisterControllerServer(csiServer, &controller{d: d})
	csi.RegisterNodeServer(csiServer, &nodeServer{d: d})
	go serve(csiServer, *endpoint)

	if *reg != "" {
		regServer := grpc.NewServer()
		registration.RegisterRegistrationServer(regServer, &registrar{name: *name, endpoint: *endpoint})
		go serve(regServer, *reg)
	}
	log.Printf("csi-hostpath %s: driver %s on node %s, data in %s, CSI on %s", version, *name, *node, *data, *endpoint)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	log.Print("stopping")
}

func serve(s *grpc.Server, path string) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		log.Fatal(err)
	}
	l, err := net.Listen("unix", path)
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(s.Serve(l))
}
