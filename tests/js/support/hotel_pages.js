// A simulator hotel's bookings as the pages /bookings serves, with the units and types a database holding
// its accommodations knows: what the core's bookings session takes, without a server.
import { generateHotel } from '../../../host/simulator/profiles/index.js';
import { HotelSite } from '../../../host/simulator/hotel_site.js';

const API = 'https://hotel.example/wp-json/mphb/v1';

/** → {knownUnits, knownTypes, pages: [[record, …], …]} for a simulator profile and seed. */
export function hotelPages(profile, seed, perPage = 50) {
  const hotel = generateHotel(profile, seed);
  const knownUnits = Object.fromEntries(hotel.units.map((u) => [String(u.record.id), u.record.accommodation_type_id]));
  const knownTypes = hotel.types.map((t) => t.record.id);
  const records = hotel.bookings.map((b) => HotelSite.prototype.serve.call(null, 'bookings', b, API));
  const pages = [];
  for (let i = 0; i < records.length; i += perPage) pages.push(records.slice(i, i + perPage));
  return { knownUnits, knownTypes, pages };
}
