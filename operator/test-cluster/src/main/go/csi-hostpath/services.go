package main

import (
	"context"
	"encoding/json"
	"errors"
	"log"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/container-storage-interface/spec/lib/go/csi"
	"golang.org/x/sys/unix"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"
	registration "k8s.io/kubelet/pkg/apis/pluginregistration/v1"
)

// driver holds the state every service shares: volume and snapshot folders under data.
type driver struct {
	name   string
	nodeID string
	data   string
	mu     sync.Mutex // one controller or node operation at a time: simple and enough for tests
}

func (d *driver) volumes() string   { return filepath.Join(d.data, "volumes") }
func (d *driver) snapshots() string { return filepath.Join(d.data, "snapshots") }

// safeID accepts the IDs this driver hands out (names the sidecars derive from object UIDs).
func safeID(id string) error {
	if id == "" || strings.ContainsAny(id, "/\\") || id == "." || id == ".." {
		return status.Errorf(codes.InvalidArgument, "invalid id %q", id)
	}
	return nil
}

// snapshotMeta is kept beside each snapshot's copy (snapshots/ID.json).
type snapshotMeta struct {
	Source  string    `json:"source"`
	Created time.Time `json:"created"`
	Size    int64     `json:"size"`
}

func logCalls(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	resp, err := h(ctx, req)
	if err != nil {
		log.Printf("%s: %v", info.FullMethod, err)
	} else if !strings.Contains(info.FullMethod, "Probe") && !strings.Contains(info.FullMethod, "Get") {
		log.Printf("%s: ok", info.FullMethod)
	}
	return resp, err
}

// ---- registration: kubelet's plugin watcher finds the socket in its plugins_registry folder ----

type registrar struct {
	registration.UnimplementedRegistrationServer
	name, endpoint string
}

func (r *registrar) GetInfo(context.Context, *registration.InfoRequest) (*registration.PluginInfo, error) {
	return &registration.PluginInfo{
		Type:              registration.CSIPlugin,
		Name:              r.name,
		Endpoint:          r.endpoint,
		SupportedVersions: []string{"1.0.0"},
	}, nil
}

func (r *registrar) NotifyRegistrationStatus(_ context.Context, s *registration.RegistrationStatus) (*registration.RegistrationStatusResponse, error) {
	if s.PluginRegistered {
		log.Print("registered with kubelet")
	} else {
		log.Printf("kubelet refused the registration: %s", s.Error)
	}
	return &registration.RegistrationStatusResponse{}, nil
}

// ---- identity ----

type identity struct {
	csi.UnimplementedIdentityServer
	d *driver
}

func (i *identity) GetPluginInfo(context.Context, *csi.GetPluginInfoRequest) (*csi.GetPluginInfoResponse, error) {
	return &csi.GetPluginInfoResponse{Name: i.d.name, VendorVersion: version}, nil
}

func (i *identity) GetPluginCapabilities(context.Context, *csi.GetPluginCapabilitiesRequest) (*csi.GetPluginCapabilitiesResponse, error) {
	return &csi.GetPluginCapabilitiesResponse{Capabilities: []*csi.PluginCapability{{
		Type: &csi.PluginCapability_Service_{Service: &csi.PluginCapability_Service{
			Type: csi.PluginCapability_Service_CONTROLLER_SERVICE}},
	}}}, nil
}

func (i *identity) Probe(context.Context, *csi.ProbeRequest) (*csi.ProbeResponse, error) {
	return &csi.ProbeResponse{}, nil
}

// ---- controller ----

type controller struct {
	csi.UnimplementedControllerServer
	d *driver
}

func (c *controller) ControllerGetCapabilities(context.Context, *csi.ControllerGetCapabilitiesRequest) (*csi.ControllerGetCapabilitiesResponse, error) {
	var caps []*csi.ControllerServiceCapability
	for _, t := range []csi.ControllerServiceCapability_RPC_Type{
		csi.ControllerServiceCapability_RPC_CREATE_DELETE_VOLUME,
		csi.ControllerServiceCapability_RPC_CREATE_DELETE_SNAPSHOT,
		csi.ControllerServiceCapability_RPC_LIST_SNAPSHOTS,
		csi.ControllerServiceCapability_RPC_CLONE_VOLUME,
	} {
		caps = append(caps, &csi.ControllerServiceCapability{Type: &csi.ControllerServiceCapability_Rpc{
			Rpc: &csi.ControllerServiceCapability_RPC{Type: t}}})
	}
	return &csi.ControllerGetCapabilitiesResponse{Capabilities: caps}, nil
}

func (c *controller) CreateVolume(_ context.Context, req *csi.CreateVolumeRequest) (*csi.CreateVolumeResponse, error) {
	if err := safeID(req.Name); err != nil {
		return nil, err
	}
	for _, vc := range req.VolumeCapabilities {
		if vc.GetBlock() != nil {
			return nil, status.Error(codes.InvalidArgument, "block volumes are not supported")
		}
	}
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	dir := filepath.Join(c.d.volumes(), req.Name)
	size := req.GetCapacityRange().GetRequiredBytes()
	vol := &csi.Volume{VolumeId: req.Name, CapacityBytes: size, ContentSource: req.VolumeContentSource}
	if _, err := os.Stat(dir); err == nil {
		return &csi.CreateVolumeResponse{Volume: vol}, nil // idempotent: made before
	}
	tmp := dir + ".creating"
	if err := os.RemoveAll(tmp); err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	var err error
	switch src := req.VolumeContentSource; {
	case src.GetSnapshot() != nil:
		id := src.GetSnapshot().SnapshotId
		if err = safeID(id); err != nil {
			return nil, err
		}
		from := filepath.Join(c.d.snapshots(), id)
		if _, serr := os.Stat(from); serr != nil {
			return nil, status.Errorf(codes.NotFound, "snapshot %s: %v", id, serr)
		}
		err = copyTree(from, tmp)
	case src.GetVolume() != nil:
		id := src.GetVolume().VolumeId
		if err = safeID(id); err != nil {
			return nil, err
		}
		from := filepath.Join(c.d.volumes(), id)
		if _, serr := os.Stat(from); serr != nil {
			return nil, status.Errorf(codes.NotFound, "volume %s: %v", id, serr)
		}
		err = copyTree(from, tmp)
	default:
		err = os.Mkdir(tmp, 0o777)
		if err == nil {
			err = os.Chmod(tmp, 0o777) // any pod user may write, as on hostpath volumes
		}
	}
	if err == nil {
		err = os.Rename(tmp, dir)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &csi.CreateVolumeResponse{Volume: vol}, nil
}

func (c *controller) DeleteVolume(_ context.Context, req *csi.DeleteVolumeRequest) (*csi.DeleteVolumeResponse, error) {
	if err := safeID(req.VolumeId); err != nil {
		return nil, err
	}
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	if err := os.RemoveAll(filepath.Join(c.d.volumes(), req.VolumeId)); err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &csi.DeleteVolumeResponse{}, nil
}

func (c *controller) ValidateVolumeCapabilities(_ context.Context, req *csi.ValidateVolumeCapabilitiesRequest) (*csi.ValidateVolumeCapabilitiesResponse, error) {
	if _, err := os.Stat(filepath.Join(c.d.volumes(), req.VolumeId)); err != nil {
		return nil, status.Errorf(codes.NotFound, "volume %s", req.VolumeId)
	}
	return &csi.ValidateVolumeCapabilitiesResponse{Confirmed: &csi.ValidateVolumeCapabilitiesResponse_Confirmed{
		VolumeCapabilities: req.VolumeCapabilities}}, nil
}

func (c *controller) CreateSnapshot(_ context.Context, req *csi.CreateSnapshotRequest) (*csi.CreateSnapshotResponse, error) {
	if err := safeID(req.Name); err != nil {
		return nil, err
	}
	if err := safeID(req.SourceVolumeId); err != nil {
		return nil, err
	}
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	dir := filepath.Join(c.d.snapshots(), req.Name)
	if m, err := readMeta(dir); err == nil {
		if m.Source != req.SourceVolumeId {
			return nil, status.Errorf(codes.AlreadyExists, "snapshot %s is of volume %s", req.Name, m.Source)
		}
		return &csi.CreateSnapshotResponse{Snapshot: snapshotOf(req.Name, m)}, nil
	}
	from := filepath.Join(c.d.volumes(), req.SourceVolumeId)
	if _, err := os.Stat(from); err != nil {
		return nil, status.Errorf(codes.NotFound, "volume %s", req.SourceVolumeId)
	}
	tmp := dir + ".creating"
	os.RemoveAll(tmp)
	if err := copyTree(from, tmp); err != nil {
		os.RemoveAll(tmp)
		return nil, status.Error(codes.Internal, err.Error())
	}
	m := snapshotMeta{Source: req.SourceVolumeId, Created: time.Now().UTC(), Size: treeSize(tmp)}
	b, _ := json.Marshal(m)
	if err := os.WriteFile(dir+".json", b, 0o644); err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	if err := os.Rename(tmp, dir); err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &csi.CreateSnapshotResponse{Snapshot: snapshotOf(req.Name, m)}, nil
}

func (c *controller) DeleteSnapshot(_ context.Context, req *csi.DeleteSnapshotRequest) (*csi.DeleteSnapshotResponse, error) {
	if err := safeID(req.SnapshotId); err != nil {
		return nil, err
	}
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	dir := filepath.Join(c.d.snapshots(), req.SnapshotId)
	if err := os.RemoveAll(dir); err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	os.Remove(dir + ".json")
	return &csi.DeleteSnapshotResponse{}, nil
}

func (c *controller) ListSnapshots(_ context.Context, req *csi.ListSnapshotsRequest) (*csi.ListSnapshotsResponse, error) {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	entries, err := os.ReadDir(c.d.snapshots())
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	var out []*csi.ListSnapshotsResponse_Entry
	for _, e := range entries {
		if !e.IsDir() || strings.HasSuffix(e.Name(), ".creating") {
			continue
		}
		if req.SnapshotId != "" && req.SnapshotId != e.Name() {
			continue
		}
		m, err := readMeta(filepath.Join(c.d.snapshots(), e.Name()))
		if err != nil || (req.SourceVolumeId != "" && req.SourceVolumeId != m.Source) {
			continue
		}
		out = append(out, &csi.ListSnapshotsResponse_Entry{Snapshot: snapshotOf(e.Name(), m)})
	}
	return &csi.ListSnapshotsResponse{Entries: out}, nil
}

func readMeta(dir string) (snapshotMeta, error) {
	var m snapshotMeta
	if _, err := os.Stat(dir); err != nil {
		return m, err
	}
	b, err := os.ReadFile(dir + ".json")
	if err != nil {
		return m, err
	}
	return m, json.Unmarshal(b, &m)
}

func snapshotOf(id string, m snapshotMeta) *csi.Snapshot {
	return &csi.Snapshot{SnapshotId: id, SourceVolumeId: m.Source, SizeBytes: m.Size,
		CreationTime: timestamppb.New(m.Created), ReadyToUse: true}
}

// ---- node ----

type nodeServer struct {
	csi.UnimplementedNodeServer
	d *driver
}

func (n *nodeServer) NodeGetInfo(context.Context, *csi.NodeGetInfoRequest) (*csi.NodeGetInfoResponse, error) {
	return &csi.NodeGetInfoResponse{NodeId: n.d.nodeID}, nil
}

func (n *nodeServer) NodeGetCapabilities(context.Context, *csi.NodeGetCapabilitiesRequest) (*csi.NodeGetCapabilitiesResponse, error) {
	return &csi.NodeGetCapabilitiesResponse{}, nil
}

func (n *nodeServer) NodePublishVolume(_ context.Context, req *csi.NodePublishVolumeRequest) (*csi.NodePublishVolumeResponse, error) {
	if err := safeID(req.VolumeId); err != nil {
		return nil, err
	}
	if req.TargetPath == "" || !filepath.IsAbs(req.TargetPath) {
		return nil, status.Error(codes.InvalidArgument, "target path must be absolute")
	}
	n.d.mu.Lock()
	defer n.d.mu.Unlock()
	src := filepath.Join(n.d.volumes(), req.VolumeId)
	if _, err := os.Stat(src); err != nil {
		return nil, status.Errorf(codes.NotFound, "volume %s", req.VolumeId)
	}
	if err := os.MkdirAll(req.TargetPath, 0o750); err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	if mounted(req.TargetPath) {
		return &csi.NodePublishVolumeResponse{}, nil
	}
	if err := unix.Mount(src, req.TargetPath, "", unix.MS_BIND, ""); err != nil {
		return nil, status.Errorf(codes.Internal, "bind mount %s on %s: %v", src, req.TargetPath, err)
	}
	if req.Readonly {
		if err := unix.Mount("", req.TargetPath, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
			unix.Unmount(req.TargetPath, 0)
			return nil, status.Errorf(codes.Internal, "read-only remount of %s: %v", req.TargetPath, err)
		}
	}
	return &csi.NodePublishVolumeResponse{}, nil
}

func (n *nodeServer) NodeUnpublishVolume(_ context.Context, req *csi.NodeUnpublishVolumeRequest) (*csi.NodeUnpublishVolumeResponse, error) {
	if req.TargetPath == "" {
		return nil, status.Error(codes.InvalidArgument, "no target path")
	}
	n.d.mu.Lock()
	defer n.d.mu.Unlock()
	for mounted(req.TargetPath) {
		if err := unix.Unmount(req.TargetPath, 0); err != nil {
			return nil, status.Errorf(codes.Internal, "unmount %s: %v", req.TargetPath, err)
		}
	}
	if err := os.Remove(req.TargetPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &csi.NodeUnpublishVolumeResponse{}, nil
}

// mounted tells whether path is a mount point in this process's mount namespace.
func mounted(path string) bool {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return false
	}
	clean := filepath.Clean(path)
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) > 4 && unescape(f[4]) == clean {
			return true
		}
	}
	return false
}

func unescape(s string) string {
	r := strings.NewReplacer(`\040`, " ", `\011`, "\t", `\012`, "\n", `\134`, `\`)
	return r.Replace(s)
}
