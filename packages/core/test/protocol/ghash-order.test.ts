import t from 'tap';
import { ghashIterationOrder } from '../../src/protocol/ghash-order.js';
import { qdictOrder } from '../../src/protocol/qdict-order.js';

// Captured from qemu-ga 7.2: guest-ping with these extra arguments (JSON
// insertion order as listed) answered "Parameter '<x>' is unexpected".
// Sizes 2..17 cover the growth of the GHashTable past 8 and 16 slots.
const CAPTURED: [string[], string][] = [
  [['sos', 'ccaye'], 'ccaye'],
  [['cmu', 'akc', 'scs'], 'akc'],
  [['iocso', 'qqusy', 'uuuik', 's'], 's'],
  [['w', 'gss', 'k', 'm', 'ykeym'], 'w'],
  [['w', 'c', 'gqo', 'a', 'mim', 'iygci'], 'iygci'],
  [['oiekm', 'w', 'e', 'd', 'o', 'u', 'wuuae'], 'e'],
  [['mwk', 'i', 'y', 'uywmw', 'gcssm', 'ooagg', 'owswq', 'wgk'], 'gcssm'],
  [['aukgs', 'k', 'u', 'wiyii', 'qiq', 'm', 'uei', 'q', 'aqcos'], 'aukgs'],
  [['cuuck', 'cym', 'wwwii', 'u', 'emswg', 'iue', 'a', 'o', 'sek', 'g'], 'o'],
  [['age', 'qusqm', 'iwu', 'o', 'easya', 'mqe', 'eks', 'euyqy', 'q', 'yowgk', 'goaoy'], 'o'],
  [['w', 'c', 'm', 'mmmyi', 'giagy', 'mco', 'o', 'e', 'aygkm', 'mew', 'i', 'mie'], 'o'],
  [['ommiu', 'euo', 'ckm', 'iyaqc', 'osq', 'omcoi', 'mwu', 'ems', 'y', 'oae', 'akiyw', 'ccsqy', 'aeiwm'], 'oae'],
  [['kssks', 'a', 'u', 'i', 'oce', 'e', 'o', 'aew', 'uoa', 's', 'sokiy', 'wym', 'scka', 'sec'], 'o'],
  [['o', 'sogec', 'qaqig', 'u', 'm', 'g', 'w', 'eaeko', 'mgqwo', 'cqq', 'oqyws', 'i', 'ugg', 'suw', 'e'], 'o'],
  [['uoe', 'e', 'kei', 'ema', 'kuo', 'kiy', 'msa', 'kgm', 'c', 'o', 'qmq', 'ewaqa', 'uuwei', 'a', 'uuics', 'sia'], 'uuwei'],
  [['osk', 'mmk', 'u', 'm', 'sqs', 'mkgkk', 'mme', 'uki', 'omqsy', 'csw', 's', 'sqmwm', 'wue', 'qwkqa', 'o', 'a', 'i'], 'mme'],
];

t.test('the first leftover member matches qemu-ga for 2 to 17 extra members', async (t) => {
  for (const [keys, expected] of CAPTURED) {
    t.equal(ghashIterationOrder(qdictOrder(keys))[0], expected, `${keys.length} keys`);
  }
});

t.test('iteration visits every key exactly once', async (t) => {
  const keys = Array.from({ length: 200 }, (_, i) => `k${i}`);
  t.same([...ghashIterationOrder(keys)].sort(), [...keys].sort());
});
