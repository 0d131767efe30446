// PID 1 of a microVM that measures what Linux's virtio_net hands an AF_PACKET socket with
// PACKET_VNET_HDR (docs/decisions/0032): run by run.sh, which sends from the host.
//   phase 1: frames to a MAC that is not eth0's, with no membership (does the NIC filter them?)
//   phase 2: the same after PACKET_ADD_MEMBERSHIP PACKET_MR_UNICAST of that MAC
//   phase 3: the guest kernel takes 10.94.0.3 and a TCP connection; the host sends it 4 MB
//            (super-frames? checksums left to us?)
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <errno.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/mount.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>
#include <linux/virtio_net.h>

static long now_ms(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000 + t.tv_nsec / 1000000; }

static void load(const char *m) {
    char p[128]; snprintf(p, sizeof p, "/mods/%s.ko", m);
    int fd = open(p, O_RDONLY);
    if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) != 0) printf("probe: load %s: %s\n", m, strerror(errno));
    close(fd);
}

static void receive(int s, int ms, const char *phase, const unsigned char *ours) {
    unsigned char buf[70000];
    long end = now_ms() + ms; int n = 0, gso = 0, csum = 0, valid = 0, tous = 0, big = 0;
    while (now_ms() < end) {
        struct pollfd p = {s, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) continue;
        struct sockaddr_ll a; socklen_t al = sizeof a;
        ssize_t r = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *) &a, &al);
        if (r < 10) continue;
        struct virtio_net_hdr *h = (void *) buf;
        unsigned char *f = buf + 10; size_t len = r - 10;
        if (len < 14 || f[12] != 0x08 || f[13] != 0x00) continue;  // IPv4 only
        n++;
        if (memcmp(f, ours, 6) == 0) tous++;
        if (h->gso_type) gso++;
        if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) csum++;
        if (h->flags & VIRTIO_NET_HDR_F_DATA_VALID) valid++;
        if (len > 1514) big++;
        if (n <= 4 || (h->gso_type && gso <= 2))
            printf("probe: %s: pkttype %d len %zu dst %02x:%02x:%02x:%02x:%02x:%02x proto %d vnet flags %d gso %d gso_size %d csum %d/%d\n",
                phase, a.sll_pkttype, len, f[0], f[1], f[2], f[3], f[4], f[5], f[23], h->flags, h->gso_type, h->gso_size, h->csum_start, h->csum_offset);
    }
    printf("probe: %s: %d IPv4 frames, %d to our MAC, %d GSO, %d NEEDS_CSUM, %d DATA_VALID, %d over 1514\n", phase, n, tous, gso, csum, valid, big);
}

int main(void) {
    mount("devtmpfs", "/dev", "devtmpfs", 0, 0);
    const char *mods[] = {"virtio_ring", "virtio", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio_pci", "failover", "net_failover", "virtio_net"};
    for (unsigned i = 0; i < sizeof mods / sizeof *mods; i++) load(mods[i]);
    int ctl = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr; memset(&ifr, 0, sizeof ifr); strcpy(ifr.ifr_name, "eth0");
    for (int i = 0; i < 50 && ioctl(ctl, SIOCGIFINDEX, &ifr) < 0; i++) usleep(100000);
    int index = ifr.ifr_ifindex;
    ioctl(ctl, SIOCGIFFLAGS, &ifr); ifr.ifr_flags |= IFF_UP; ioctl(ctl, SIOCSIFFLAGS, &ifr);
    ioctl(ctl, SIOCGIFHWADDR, &ifr);
    unsigned char *m = (unsigned char *) ifr.ifr_hwaddr.sa_data;
    printf("probe: eth0 index %d mac %02x:%02x:%02x:%02x:%02x:%02x\n", index, m[0], m[1], m[2], m[3], m[4], m[5]);
    unsigned char ours[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
    int s = socket(AF_PACKET, SOCK_RAW, 0);
    int one = 1; setsockopt(s, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof one);
    struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = index};
    if (bind(s, (struct sockaddr *) &sll, sizeof sll)) printf("probe: bind: %s\n", strerror(errno));
    printf("probe: PHASE1\n"); fflush(stdout);
    receive(s, 4000, "no membership", ours);
    struct packet_mreq mr = {.mr_ifindex = index, .mr_type = PACKET_MR_UNICAST, .mr_alen = 6};
    memcpy(mr.mr_address, ours, 6);
    if (setsockopt(s, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr)) printf("probe: membership: %s\n", strerror(errno));
    struct ifreq f2; memset(&f2, 0, sizeof f2); strcpy(f2.ifr_name, "eth0"); ioctl(ctl, SIOCGIFFLAGS, &f2);
    printf("probe: PHASE2 (eth0 flags 0x%x, promisc %d)\n", f2.ifr_flags, !!(f2.ifr_flags & IFF_PROMISC)); fflush(stdout);
    receive(s, 4000, "PACKET_MR_UNICAST", ours);
    // phase 3: the guest kernel takes an address and a TCP connection, the host sends it bulk
    struct ifreq a3; memset(&a3, 0, sizeof a3); strcpy(a3.ifr_name, "eth0");
    struct sockaddr_in *sin = (void *) &a3.ifr_addr; sin->sin_family = AF_INET; inet_pton(AF_INET, "10.94.0.3", &sin->sin_addr);
    ioctl(ctl, SIOCSIFADDR, &a3);
    inet_pton(AF_INET, "255.255.255.0", &sin->sin_addr); ioctl(ctl, SIOCSIFNETMASK, &a3);
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in la = {.sin_family = AF_INET, .sin_port = htons(5001)};
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    bind(l, (struct sockaddr *) &la, sizeof la); listen(l, 1);
    printf("probe: PHASE3\n"); fflush(stdout);
    int c = accept(l, 0, 0);
    if (fork() == 0) { char b[65536]; long t = 0; ssize_t r; while ((r = read(c, b, sizeof b)) > 0) t += r; printf("probe: tcp read %ld bytes\n", t); fflush(stdout); _exit(0); }
    receive(s, 5000, "host TCP bulk to the guest kernel", ours);
    printf("probe: DONE\n"); fflush(stdout);
    sleep(1);
    reboot(RB_POWER_OFF);
    return 0;
}
