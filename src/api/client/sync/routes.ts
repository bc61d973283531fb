// S5's routes: sync, typing, receipts and read markers, send-to-device.
import type { AnyRoute } from '../../route.js';
import { sendReceiptRoute } from '../receipts/send-receipt.js';
import { setReadMarkersRoute } from '../receipts/set-read-markers.js';
import { sendToDeviceRoute } from '../to-device/send-to-device.js';
import { setTypingRoute } from '../typing/set-typing.js';
import { syncRoute } from './sync.js';

export const syncRoutes: readonly AnyRoute[] = [syncRoute, setTypingRoute, sendReceiptRoute, setReadMarkersRoute, sendToDeviceRoute];
