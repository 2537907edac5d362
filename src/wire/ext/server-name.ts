// RFC 6066 §3 server_name. In the ClientHello: a ServerNameList; in EncryptedExtensions (and the
// TLS 1.2 ServerHello): empty, the server's acknowledgement.
import { decodeError, illegalParameter } from '../../errors.js';
import { type ExtCodec, emptyExtension, latin1Bytes, latin1String } from './codec.js';

// enum { host_name(0), (255) } NameType
const host_name = 0;

function hostName(name: Uint8Array): string {
  if (name.length === 0) throw decodeError('server_name: empty HostName');
  for (const c of name) {
    // RFC 6066 §3: "ASCII encoding"; NUL and control bytes have been used to confuse name checks.
    if (c < 0x20 || c > 0x7e) throw illegalParameter('server_name: HostName is not printable ASCII');
  }
  // RFC 6066 §3: "without a trailing dot".
  if (name[name.length - 1] === 0x2e) throw illegalParameter('server_name: HostName ends with a dot');
  return latin1String(name);
}

export const serverNameClientHello: ExtCodec<string> = {
  decode(r) {
    const list = r.sub16('server_name_list', 1, 0xffff);
    const seen = new Set<number>();
    let result: string | undefined;
    while (list.remaining > 0) {
      const nameType = list.u8('name_type');
      // Only host_name is defined; like Go and OpenSSL, read every entry as opaque<0..2^16-1> so
      // unknown name types can be skipped.
      const name = list.vec16('name');
      // RFC 6066 §3: "MUST NOT contain more than one name of the same name_type".
      if (seen.has(nameType)) throw illegalParameter(`server_name: more than one name of type ${nameType}`);
      seen.add(nameType);
      if (nameType === host_name) result = hostName(name);
    }
    return result;
  },
  encode(w, name) {
    w.vec16((list) => list.u8(host_name).opaque16(latin1Bytes(name)));
  },
};

export const serverNameEncryptedExtensions: ExtCodec<true> = emptyExtension;
