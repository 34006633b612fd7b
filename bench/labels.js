// labels.js: how long the label pass takes per zoom step on a map, in the
// browser (puppeteer-core driving Debian's chromium, as maplens does).
// usage: NODE_PATH=~/.cache/maplens/node_modules node bench/labels.js URL [steps]
// prints the map's node count and the median and max time of a label pass
// over the zoom steps (+ then -), and the time from key press to the next
// painted frame.
const puppeteer = require('puppeteer-core');
(async () => {
  const [url, stepsArg] = process.argv.slice(2);
  const steps = +(stepsArg || 20);
  const b = await puppeteer.launch({executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    defaultViewport: {width: 1440, height: 900}});
  const p = await b.newPage();
  await p.goto(url, {waitUntil: 'networkidle0', timeout: 120000});
  const nodes = await p.evaluate(() => document.querySelectorAll('#map svg g.node').length);
  const pass = [], frame = [];
  for (let i = 0; i < steps; i++) {
    const key = i < steps / 2 ? '+' : '-';
    const t = await p.evaluate(async k => {
      const t0 = performance.now();
      document.dispatchEvent(new KeyboardEvent('keydown', {key: k, bubbles: true}));
      await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
      return [performance.now() - t0, +document.querySelector('#map svg').getAttribute('data-label-ms')];
    }, key);
    frame.push(t[0]); pass.push(t[1]);
  }
  const med = a => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  console.log(JSON.stringify({url, nodes, steps, label_pass_ms: {median: +med(pass).toFixed(2), max: +Math.max(...pass).toFixed(2)},
    key_to_frame_ms: {median: +med(frame).toFixed(1), max: +Math.max(...frame).toFixed(1)}}));
  await b.close();
})().catch(e => { console.error(e); process.exit(1); });
