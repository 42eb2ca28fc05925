// The report's stylesheet and its small script: light and dark (prefers-color-scheme), phone widths, print.
// Plain strings so the page stays one file; nothing here comes from a timeline.

export const REPORT_CSS = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1d2125;--muted:#5c6670;--line:#d8dde3;--panel:#f5f7f9;--zebra:#f3f5f8;
--ok:#2e9d4f;--failed:#d1353b;--timeout:#d98200;--interrupted:#8a5cf5;--skipped:#9aa0a6;--unfinished:#2f6fd6;
--bar:#d3d6da;--bar-skipped:#eceef0;--note:#c2417f;--impact:#d1353b;--detected:#d98200;--mitigated:#1f7ae0;--resolved:#2e9d4f;--link:#1f5fbf}
@media (prefers-color-scheme:dark){:root{--bg:#15181c;--fg:#e3e7eb;--muted:#9aa5b1;--line:#333a42;--panel:#1e2227;--zebra:#1a1e23;
--ok:#4cc46f;--failed:#ff6b6b;--timeout:#f0a43a;--interrupted:#a98bff;--skipped:#7d858e;--unfinished:#6fa0ff;
--bar:#3b4047;--bar-skipped:#272b30;--note:#f06bab;--impact:#ff6b6b;--detected:#f0a43a;--mitigated:#5aa6ff;--resolved:#4cc46f;--link:#7fb0ff}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;overflow-wrap:anywhere;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1100px;margin:0 auto;padding:16px 20px 40px}
a{color:var(--link)}
h1{font-size:1.6em;margin:.2em 0 0;line-height:1.25;overflow-wrap:anywhere}
h2{font-size:1.25em;margin:1.6em 0 .5em;padding-bottom:.2em;border-bottom:1px solid var(--line)}
h3{font-size:1.08em;margin:0;overflow-wrap:anywhere}
.sub{color:var(--muted);margin:.2em 0 1em;overflow-wrap:anywhere}
code,pre,.mono{font-family:ui-monospace,"Cascadia Code","Source Code Pro",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.9em}
.facts{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:8px 20px;margin:0;padding:12px 14px;background:var(--panel);border:1px solid var(--line);border-radius:8px}
.facts div{min-width:0}
.facts dt{color:var(--muted);font-size:.8em;text-transform:uppercase;letter-spacing:.04em}
.facts dd{margin:0;overflow-wrap:anywhere}
.badge{display:inline-block;padding:0 .5em;border-radius:999px;font-size:.82em;font-weight:600;color:#fff;background:var(--muted);white-space:nowrap;vertical-align:1px}
.badge.s-completed,.badge.r-ok,.badge.st-done{background:var(--ok)}
.badge.s-failed,.badge.r-failed{background:var(--failed)}
.badge.s-aborted,.badge.s-interrupted,.badge.r-timeout{background:var(--timeout)}
.badge.r-interrupted{background:var(--interrupted)}
.badge.r-skipped,.badge.st-skipped,.badge.st-not-reached{background:var(--skipped)}
.badge.r-unfinished,.badge.st-partial{background:var(--unfinished)}
.tag{display:inline-block;padding:0 .45em;border:1px solid var(--line);border-radius:4px;font-size:.8em;color:var(--muted)}
.tag.danger{border-color:var(--failed);color:var(--failed)}
.warn{border-left:4px solid var(--timeout);background:var(--panel);padding:8px 12px;margin:12px 0;border-radius:4px}
.chart-wrap{overflow-x:auto;border:1px solid var(--line);border-radius:8px;background:var(--bg)}
svg.chart{display:block;width:100%;min-width:680px;height:auto;font:11px system-ui,sans-serif}
svg.chart text{fill:var(--fg)}
svg.chart .zebra{fill:var(--zebra)}
svg.chart .step-label{font-size:12px}
svg.chart .host-label,svg.chart .not-reached,svg.chart .tick-label{fill:var(--muted);font-size:10px}
svg.chart .tick{stroke:var(--line);stroke-width:1}
svg.chart .host-line{stroke:var(--line);stroke-dasharray:2 3}
svg.chart .step-bar{fill:var(--bar)}
svg.chart .step-bar.st-skipped{fill:var(--bar-skipped)}
.r-ok{fill:var(--ok)}.r-failed{fill:var(--failed)}.r-timeout{fill:var(--timeout)}.r-interrupted{fill:var(--interrupted)}.r-skipped{fill:var(--skipped)}
.r-unfinished{fill:var(--unfinished);fill-opacity:.45;stroke:var(--unfinished);stroke-dasharray:3 2}
svg.chart .cmd,svg.chart .host-cmd{stroke:var(--bg);stroke-width:1}
svg.chart .cmd.r-unfinished,svg.chart .host-cmd.r-unfinished{stroke:var(--unfinished)}
svg.chart .cmd:hover,svg.chart .host-cmd:hover{stroke:var(--fg)}
svg.chart .note,.legend .note{fill:var(--note);stroke:var(--bg);stroke-width:1.5}
svg.chart .note:hover{stroke:var(--fg)}
svg.chart .gap rect{fill:var(--panel);fill-opacity:.55;stroke:var(--line);stroke-dasharray:4 3}
svg.chart .gap text{fill:var(--muted);font-size:10px}
svg.chart .milestone line{stroke-width:2;stroke-dasharray:5 3}
svg.chart .milestone text{font-weight:600;font-size:11px}
.m-impact line{stroke:var(--impact)}.m-impact text{fill:var(--impact)!important}
.m-detected line{stroke:var(--detected)}.m-detected text{fill:var(--detected)!important}
.m-mitigated line{stroke:var(--mitigated)}.m-mitigated text{fill:var(--mitigated)!important}
.m-resolved line{stroke:var(--resolved)}.m-resolved text{fill:var(--resolved)!important}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;color:var(--muted);font-size:.85em;margin:6px 0 0}
.legend svg{vertical-align:-1px;margin-right:4px}
.player-box{border-radius:8px;overflow:hidden;background:#121314}
.step{border:1px solid var(--line);border-radius:8px;padding:12px 14px;margin:12px 0}
.step-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 10px}
.step-head .when{color:var(--muted);font-size:.85em}
.prose{overflow-wrap:anywhere}
.prose pre{background:var(--panel);padding:8px;border-radius:6px;overflow-x:auto}
.run{border-top:1px solid var(--line);margin-top:10px;padding-top:10px}
.run-head{display:flex;flex-wrap:wrap;align-items:center;gap:4px 8px;font-size:.9em}
.run-head .id{font-weight:600}
.run-head .meta{color:var(--muted)}
pre.command{margin:6px 0;padding:8px 10px;background:var(--panel);border-left:3px solid var(--line);border-radius:4px;white-space:pre-wrap;overflow-wrap:anywhere}
.run.r-failed pre.command{border-left-color:var(--failed)}.run.r-ok pre.command{border-left-color:var(--ok)}
.run.r-timeout pre.command{border-left-color:var(--timeout)}.run.r-interrupted pre.command{border-left-color:var(--interrupted)}
details.output{margin:4px 0}
details.output summary{cursor:pointer;color:var(--muted);font-size:.9em}
details.output pre{margin:6px 0 0;padding:8px 10px;max-height:480px;overflow:auto;background:#101316;color:#dfe4ea;border-radius:6px;font-size:.82em;white-space:pre-wrap;overflow-wrap:anywhere}
.cut{display:block;color:#f0a43a;font-style:italic;margin:4px 0}
.hosts{margin:4px 0;padding-left:1.2em;font-size:.9em}
ul.checks{list-style:none;padding:0;margin:6px 0;color:var(--ok);overflow-wrap:anywhere}
button.replay{font:inherit;font-size:.8em;padding:1px 8px;border:1px solid var(--line);border-radius:4px;background:var(--panel);color:var(--fg);cursor:pointer}
ol.log{list-style:none;padding:0;margin:0}
ol.log li{display:grid;grid-template-columns:auto 1fr;gap:0 12px;padding:6px 0;border-bottom:1px solid var(--line)}
ol.log .at{color:var(--muted);font-size:.85em;white-space:nowrap}
ol.log .text{white-space:pre-wrap;overflow-wrap:anywhere}
ol.log li:target{background:var(--panel)}
footer{color:var(--muted);font-size:.85em;margin-top:2em;overflow-wrap:anywhere}
@media (max-width:600px){main{padding:10px 12px 30px}svg.chart{min-width:860px}body{font-size:14px}h1{font-size:1.35em}.facts{grid-template-columns:1fr 1fr;padding:10px}
ol.log li{grid-template-columns:1fr}}
@media print{:root{--bg:#fff;--fg:#000;--muted:#444;--panel:#f4f4f4;--zebra:#f6f6f6}
body{font-size:11pt}main{max-width:none;padding:0}.no-print,button.replay{display:none!important}
.chart-wrap{overflow:visible;border:none}svg.chart{min-width:0}
.step,.run,ol.log li{break-inside:avoid}h2{break-after:avoid}
details.output pre{max-height:none;overflow:visible;background:#f4f4f4;color:#000;border:1px solid #ccc}
a{color:inherit;text-decoration:none}}
`;

/** Starts the player on the embedded recording; opens every output block for printing. */
export const REPORT_JS = `(function(){
"use strict";
var data=document.getElementById("cast-data"),box=document.getElementById("player");
if(data&&box&&window.AsciinemaPlayer){
var cast=JSON.parse(data.textContent);
var last=cast[cast.length-1],w=cast[0].width||80,cols=window.innerWidth<700?w:Math.max(w,120);
var player=window.AsciinemaPlayer.create({data:function(){return cast;}},box,{cols:cols,rows:24,fit:"width",idleTimeLimit:2,preload:true,poster:"npt:"+(last&&last[0]||0)});
window.runbookReport={player:player};
var buttons=document.querySelectorAll("button.replay[data-cast-at]");
for(var i=0;i<buttons.length;i++){buttons[i].addEventListener("click",function(e){
var at=Number(e.currentTarget.getAttribute("data-cast-at"));box.scrollIntoView({block:"center"});
Promise.resolve(player.seek(at)).then(function(){player.play();});});}
}else{var b=document.querySelectorAll("button.replay");for(var j=0;j<b.length;j++)b[j].hidden=true;}
var opened=[];
addEventListener("beforeprint",function(){var d=document.querySelectorAll("details:not([open])");for(var k=0;k<d.length;k++){d[k].open=true;opened.push(d[k]);}});
addEventListener("afterprint",function(){opened.forEach(function(d){d.open=false;});opened=[];});
})();`;
