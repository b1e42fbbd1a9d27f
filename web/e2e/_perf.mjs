import { chromium } from 'playwright-core';
const base = 'http://127.0.0.1:8099';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox','--disable-gpu'] });
const p = await b.newPage({ viewport: { width: 1280, height: 900 } });
await p.goto(base + '/signin');
await p.fill('input[name=username]', 'demo'); await p.fill('input[name=password]', 'demo'); await p.click('button[type=submit]');
await p.waitForSelector('.banner-title');
const open = ['lake', ...Array.from({length:10},(_, i)=>`lake:zone_${i}`)].map(k=>'open='+encodeURIComponent(k)).join('&');
let t0 = Date.now();
await p.goto(base + '/?' + open);
await p.waitForSelector('.asset-row');
console.log('first rows after', Date.now()-t0, 'ms');
await p.waitForTimeout(3000);
console.log('rows in DOM', await p.locator('.vrow').count(), 'list height', await p.evaluate(() => document.querySelector('.vlist').style.height));
// Scroll through with wheel and measure long frames
await p.evaluate(() => { window.__frames = []; let last = performance.now(); const f = (t) => { window.__frames.push(t - last); last = t; requestAnimationFrame(f); }; requestAnimationFrame(f); });
t0 = Date.now();
const cdp = await p.context().newCDPSession(p); await cdp.send("Performance.enable"); const m0 = (await cdp.send("Performance.getMetrics")).metrics;
for (let i = 0; i < 60; i++) { await p.mouse.wheel(0, 1200); await p.waitForTimeout(16); }
const m1 = (await cdp.send("Performance.getMetrics")).metrics; for (const n of ["ScriptDuration","LayoutDuration","RecalcStyleDuration","TaskDuration"]) { const a = m0.find(x=>x.name===n).value, bb = m1.find(x=>x.name===n).value; console.log(n, (bb-a).toFixed(3)); }
const frames = await p.evaluate(() => window.__frames);
frames.sort((a,b)=>a-b);
console.log('scrolled', Date.now()-t0, 'ms; frames', frames.length, 'p50', frames[frames.length>>1].toFixed(1), 'p95', frames[Math.floor(frames.length*0.95)].toFixed(1), 'max', frames.at(-1).toFixed(1));
console.log('rows in DOM', await p.locator('.vrow').count(), 'scrollY', await p.evaluate(()=>scrollY));
await p.screenshot({ path: '/tmp/shots/perf.png' });
await b.close();
