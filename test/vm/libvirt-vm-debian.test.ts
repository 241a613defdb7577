// libvirt drives our agent and qemu-ga in the debian guest (see libvirt-guest.ts).
import t from 'tap';
import { libvirtInGuest } from './libvirt-guest.js';

await libvirtInGuest(t, 'debian');
