/**
 * The UI's three assets, as strings (tsc copies no static files), with their content types.
 */
import { UI_APP_SCRIPT } from './ui-app-script';
import { UI_CHART_SCRIPT } from './ui-chart-script';
import { UI_HTML } from './ui-page';
import { UI_CSS } from './ui-styles';
import { UI_WATERFALL_SCRIPT } from './ui-waterfall-script';

export interface UiAsset {
  contentType: string;
  body: string;
}

export const UI_ASSETS: ReadonlyMap<string, UiAsset> = new Map([
  ['/', { contentType: 'text/html; charset=utf-8', body: UI_HTML }],
  ['/index.html', { contentType: 'text/html; charset=utf-8', body: UI_HTML }],
  ['/assets/app.css', { contentType: 'text/css; charset=utf-8', body: UI_CSS }],
  // One script in strict mode; the parts share its scope in this order.
  ['/assets/app.js', { contentType: 'text/javascript; charset=utf-8', body: `'use strict';\n${UI_CHART_SCRIPT}\n${UI_WATERFALL_SCRIPT}\n${UI_APP_SCRIPT}` }],
]);
