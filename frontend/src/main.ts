// Entry point: styles, then the app shell.
import './styles.scss';
import { start } from './app';

void start();
