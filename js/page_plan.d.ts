// js/page_plan.js: a bookings page plan read without parsing its rows until something reads them.
import type { PagePlan } from './core.js';

/** The core's page plan text, parsed; the three row arrays are parsed on first read (`rows_text` has their text). */
export declare function readPagePlan(text: string): PagePlan;
